"""Roles are Django groups. Each app's migrations grant its own permissions to the roles with
`grant_permissions`, so that a role's rights live beside the models they are about."""

from django.contrib.auth.management import create_permissions

from ehsaas.core.choices import Role


def ensure_permissions(apps) -> None:
    """Permissions are normally created after all migrations ran; a migration that grants them needs
    them now."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def grant_permissions(apps, grants: dict[Role, list[str]]) -> None:
    """`grants` maps a role to permission names written `app_label.codename`."""
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in grants.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        for name in names:
            app_label, codename = name.split(".", 1)
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
