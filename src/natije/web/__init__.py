"""The web application: server-rendered pages in Kazakh, Russian and English and the JSON API.

``create_app(Settings(...))`` builds the app; ``natije serve`` runs it under uvicorn. Routes:
``/{lang}/`` overview, ``/{lang}/programs/{code}``, ``/{lang}/indicators/{code}``,
``/{lang}/territories/{kato}``, ``/{lang}/evaluations/{id}``, ``/{lang}/search?q=``; ``/api/v1/`` with its
OpenAPI document at ``/api/v1/openapi.json``. The web layer reads data through :mod:`natije.services` only.
"""

from natije.web.app import create_app
from natije.web.settings import Settings

__all__ = ["Settings", "create_app"]
