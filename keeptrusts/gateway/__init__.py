"""The aiohttp gateway process. Imports no Django."""
