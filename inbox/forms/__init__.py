"""Forms of the inbox pages: they turn query strings and posts into clean values."""
