"""API resource namespaces (`client.chat.completions`, `client.responses`, ...), loaded lazily."""
