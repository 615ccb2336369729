"""Routes, one module per area of the browser; ``monitor.web.app`` includes them."""
