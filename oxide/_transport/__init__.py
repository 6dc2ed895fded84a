"""HTTP transport: the aiohttp session and connector, retries, and the one error-mapping boundary."""
