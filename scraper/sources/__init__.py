"""Where each live source lives and what in it is new: one module per source (`unxml`, `undl`).

They only fetch, through the polite session in `scraper.http`; parsing is `scraper.parse`'s job and
saving the store's.
"""
