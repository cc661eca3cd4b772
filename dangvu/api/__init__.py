"""The JSON API under /api/v1/ (django-ninja): one instance, the routers of the modules, one error shape."""
