"""Plausible US buyers for generated orders: names, streets, cities with matching ZIP and area
codes. Phone numbers use the 555-01xx block reserved for fiction."""

from __future__ import annotations

FIRST_NAMES = (
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella", "Lucas",
    "Mia", "James", "Charlotte", "Benjamin", "Amelia", "Elijah", "Harper", "Daniel", "Chloe",
    "Mateo", "Priya", "Wei", "Fatima", "José", "Zoë", "Mary Ann", "Nguyen", "Aaliyah", "Connor",
    "Grace",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore",
    "Jackson", "Lee", "Patel", "Kim", "O'Brien", "de la Cruz", "Van Buren", "Nakamura",
    "Schmidt", "Okafor", "Müller", "St. James", "Chen", "Walker",
)
STREETS = (
    "Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Pine St", "Elm St", "Washington Blvd",
    "Lakeview Ter", "Sunset Blvd", "Park Ave", "Highland Rd", "Mission St", "Willow Way",
    "Broadway", "Hillcrest Ct", "Ocean View Dr",
)
SECOND_LINES = ("Apt 4B", "Suite 210", "Unit 12", "Apt 1102", "Floor 3", "#7")
# (city, state, zip, area code)
CITIES = (
    ("San Francisco", "CA", "94110", "415"), ("Los Angeles", "CA", "90026", "323"),
    ("Palo Alto", "CA", "94301", "650"), ("Seattle", "WA", "98103", "206"),
    ("Portland", "OR", "97214", "503"), ("Austin", "TX", "78704", "512"),
    ("Houston", "TX", "77006", "713"), ("Denver", "CO", "80205", "303"),
    ("Chicago", "IL", "60614", "312"), ("New York", "NY", "10011", "212"),
    ("Brooklyn", "NY", "11215", "718"), ("Boston", "MA", "02118", "617"),
    ("Atlanta", "GA", "30306", "404"), ("Miami", "FL", "33133", "305"),
    ("Scottsdale", "AZ", "85251", "480"), ("Nashville", "TN", "37203", "615"),
    ("Minneapolis", "MN", "55408", "612"), ("Philadelphia", "PA", "19103", "215"),
    ("Raleigh", "NC", "27601", "919"), ("Salt Lake City", "UT", "84102", "801"),
)
# Combined state + local sales tax rates, roughly; 0 where no sales tax applies.
TAX_RATES = {
    "CA": "0.0863", "WA": "0.1025", "OR": "0", "TX": "0.0825", "CO": "0.0881", "IL": "0.1025",
    "NY": "0.08875", "MA": "0.0625", "GA": "0.089", "FL": "0.07", "AZ": "0.0805",
    "TN": "0.0925", "MN": "0.08025", "PA": "0.08", "NC": "0.0725", "UT": "0.0775",
}
SHIPPING_OPTIONS = ("STANDARD", "STANDARD", "STANDARD", "EXPEDITED", "CURBSIDE", "INSIDE")
FLAT_SHIPPING = ("0.00", "0.00", "9.99", "14.99", "29.00", "49.00")
PHONE_LAYOUTS = ("({area}) 555-01{n:02d}", "{area}-555-01{n:02d}", "{area}55501{n:02d}",
                 "+1 {area} 555 01{n:02d}")
