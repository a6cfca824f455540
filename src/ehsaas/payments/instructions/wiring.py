"""What the instructions part of payments registers when Django starts (job kinds, panels, demo steps, event
subscribers); called from PaymentsConfig.ready."""


def connect() -> None:
    """Nothing to register yet."""
