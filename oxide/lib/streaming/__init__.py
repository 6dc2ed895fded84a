"""Stream helpers: typed events and accumulated state over chat and Responses streams."""
