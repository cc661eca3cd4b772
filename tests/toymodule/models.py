from django.conf import settings
from django.db import models

from dangvu.accounts.querysets import ScopedQuerySet


class NoteQuerySet(ScopedQuerySet["Note"]):
    view_permission = "toy.view"


class Note(models.Model):
    """A note kept for a unit (and, optionally, about one person)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)

    objects = NoteQuerySet.as_manager()

    def __str__(self) -> str:
        return self.title
