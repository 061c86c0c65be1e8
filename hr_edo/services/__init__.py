"""Services of HR EDO by sub-domain: participation, applications, orders, copies."""
