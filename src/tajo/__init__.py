"""tajo: sync Gorgias helpdesk activity to Brevo contacts, lists and events."""

__version__ = "0.1.0"

__all__ = ["__version__"]
