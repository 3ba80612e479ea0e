"""The floor for the dashboard's speed: a bare Streamlit page that draws one plotly chart (a world
map with the same shapes, so the browser loads plotly.js and draws a choropleth as the dashboard
does). benchmarks/bench_dashboard.py times it beside the dashboard, on the same machine and browser."""
import plotly.graph_objects as go
import streamlit as st

from views.chart_library import PLOTLY_CONFIG

st.title("Floor")
codes = ["USA", "RUS", "CHN", "FRA", "GBR", "BRA", "IND", "ZAF", "AUS", "CAN", "MMR", "BLR", "DEU", "JPN", "NGA"]
figure = go.Figure(go.Choropleth(locations=codes * 13, z=list(range(len(codes) * 13)), locationmode="ISO-3"))
figure.update_geos(showcoastlines=False, showland=False, showcountries=False, showocean=False, showlakes=False,
                   showrivers=False, showframe=False)
st.plotly_chart(figure, config=PLOTLY_CONFIG)
