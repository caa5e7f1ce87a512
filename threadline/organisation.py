"""The choices an organisation describes itself with on the start page: its industry and its size.

Plain data every layer may read: the start page offers them, the peer comparison groups by
them (threadline/web/peers.py), the demonstration data uses them (threadline/storage/demo.py).
"""

SIZES = ("1–9 people", "10–49 people", "50–249 people", "250–999 people", "1,000 or more")
INDUSTRIES = (
    "Retail and e-commerce",
    "Consumer goods and food",
    "Hospitality, travel and leisure",
    "Professional services",
    "Software and technology",
    "Telecoms and media",
    "Financial services and insurance",
    "Manufacturing and industry",
    "Construction and property",
    "Energy, transport and logistics",
    "Health and care",
    "Education",
    "Public sector",
    "Charity and non-profit",
    "Other",
)
"""Industries to choose from: peer groups form by industry (free text stays possible beside it)."""
