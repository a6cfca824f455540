"""Importing survey files into the registry (the data contract of DOMAIN.md)."""

from ehsaas.registry.imports.service import ImportResult, registry_import
from ehsaas.registry.imports.sources import UnusableFile

__all__ = ["ImportResult", "UnusableFile", "registry_import"]
