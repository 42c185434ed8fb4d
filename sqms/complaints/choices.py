"""Statuses and kinds of complaints, as TextChoices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Investigating")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting for customer")
    WAITING_THIRD_PARTY = "waiting_third_party", _("Waiting for third party")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


#: statuses in which the SLA clocks stand still
PAUSED_STATUSES = frozenset({Status.WAITING_CUSTOMER, Status.WAITING_THIRD_PARTY})
#: statuses of a complaint still being worked on (the backlog)
OPEN_STATUSES = frozenset(
    {
        Status.NEW,
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.WAITING_CUSTOMER,
        Status.WAITING_THIRD_PARTY,
    }
)


class IntakeChannel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    WEB_FORM = "web_form", _("Web form")
    SOCIAL_MEDIA = "social_media", _("Social media")
    EMAIL = "email", _("Email")
    HOTLINE_12315 = "hotline_12315", _("Consumer-association hotline (12315)")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


class Source(models.TextChoices):
    """How the complaint reached the system (not the customer's channel)."""

    STAFF = "staff", _("Staff")
    PUBLIC = "public", _("Public form")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    DEMO = "demo", _("Demo")


class EntryKind(models.TextChoices):
    NOTE = "note", _("Internal note")
    REPLY = "reply", _("Reply to customer")
    CUSTOMER = "customer", _("Customer message")
    STATUS = "status", _("Status change")
    ASSIGNMENT = "assignment", _("Assignment")
    ESCALATION = "escalation", _("Escalation")
    SLA = "sla", _("SLA warning")


class RootCause(models.TextChoices):
    """The 6M categories (人机料法环测) plus causes outside the organization."""

    PEOPLE = "people", _("People (人)")
    MACHINE = "machine", _("Machine and equipment (机)")
    MATERIAL = "material", _("Material (料)")
    METHOD = "method", _("Method and process (法)")
    ENVIRONMENT = "environment", _("Environment (环)")
    MEASUREMENT = "measurement", _("Measurement (测)")
    CUSTOMER = "customer", _("Customer misunderstanding")
    THIRD_PARTY = "third_party", _("Third party")


class RecoveryKind(models.TextChoices):
    APOLOGY = "apology", _("Apology")
    EXPLANATION = "explanation", _("Explanation")
    REPAIR = "repair", _("Repair (修)")
    REPLACEMENT = "replacement", _("Replacement (换)")
    REFUND = "refund", _("Refund (退)")
    COMPENSATION = "compensation", _("Compensation")
    GOODWILL = "goodwill", _("Goodwill gesture")


#: kinds that carry an amount of money
MONEY_KINDS = frozenset({RecoveryKind.REFUND, RecoveryKind.COMPENSATION, RecoveryKind.GOODWILL})


class RecoveryStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DONE = "done", _("Done")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("Not escalated")
    SITE_MANAGER = 1, _("Site manager")
    REGION_MANAGER = 2, _("Region manager")
    QUALITY_MANAGER = 3, _("Quality manager")


class CapaStatus(models.TextChoices):
    """A complaint (or cluster) handed to CAPA: queued until a nonconformity is raised from it."""

    QUEUED = "queued", _("Queued for CAPA")
    TAKEN = "taken", _("Taken by CAPA")
