"""Schemas of notices of illegal content, appeals, decisions, trusted flaggers and transparency."""

from __future__ import annotations

from marshmallow import fields, validate

from comments.schemas.common import BaseSchema, SiteKey

SHORT = validate.Length(max=300)
LONG = validate.Length(max=4000)


class NoticeIn(BaseSchema):
    """A notice that a comment is illegal (DSA Art. 16); every text is untrusted."""

    site = SiteKey()
    comment_id = fields.Integer(required=True, strict=True,
                                validate=validate.Range(min=1, max=2147483647))
    law = fields.String(required=True, validate=SHORT,
                        metadata={"description": "Which law or right the comment breaks."})
    explanation = fields.String(required=True, validate=LONG,
                                metadata={"description": "Why it is illegal."})
    reporter_name = fields.String(required=True, validate=validate.Length(max=100))
    reporter_email = fields.String(required=True, validate=validate.Length(max=320),
                                   metadata={"description": "Receipt and decision go here."})
    good_faith = fields.Boolean(required=True, metadata={
        "description": "Must be true: the notice is accurate and made in good faith."})
    form_token = fields.String(load_default="", allow_none=True,
                               validate=validate.Length(max=500),
                               metadata={"description": "The embed form's token, when sent "
                                                        "from the embed."})
    hp = fields.String(load_default="", allow_none=True, validate=validate.Length(max=500),
                       metadata={"description": "Honeypot: humans leave it empty."})
    language = fields.String(load_default="", allow_none=True, validate=validate.Length(max=16))


class NoticeOut(BaseSchema):
    reference = fields.String(required=True, metadata={"description": "The notice's reference."})


class AppealIn(BaseSchema):
    """An appeal through the signed link of a statement of reasons or a reporter's answer."""

    token = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    explanation = fields.String(required=True, validate=LONG)


class AppealOut(BaseSchema):
    appeal = fields.Integer(required=True, metadata={"description": "The appeal's number."})


class DecisionIn(BaseSchema):
    """A moderator's decision on a notice."""

    outcome = fields.String(required=True, validate=validate.OneOf(("keep", "reject", "delete")))
    ground = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf(("illegal", "terms")))
    law_or_rule = fields.String(load_default="", validate=SHORT)
    facts = fields.String(required=True, validate=LONG)
    automated = fields.Boolean(load_default=False)


class DecisionOut(BaseSchema):
    id = fields.Integer(required=True)
    comment_id = fields.Integer(allow_none=True)
    outcome = fields.String(required=True)
    ground = fields.String(allow_none=True)
    law_or_rule = fields.String()
    facts = fields.String()
    automated = fields.Boolean()
    with_notice = fields.Boolean()
    decided_by = fields.String()
    created_at = fields.String()


class NoticeItem(BaseSchema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    site = fields.String(required=True)
    comment_id = fields.Integer(allow_none=True)
    law = fields.String()
    explanation = fields.String()
    reporter_name = fields.String()
    reporter_email = fields.String(allow_none=True)
    trusted = fields.Boolean()
    status = fields.String()
    created_at = fields.String()


class NoticeList(BaseSchema):
    notices = fields.List(fields.Nested(NoticeItem), required=True)


class NoticeQuery(BaseSchema):
    # A site key or nothing (every site the moderator has); never free text into the query.
    site = SiteKey(load_default=None, metadata={"description": "Site key; every site when omitted.",
                                                "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"})


class AppealRulingIn(BaseSchema):
    """A second moderator's ruling on an appeal."""

    reverse = fields.Boolean(required=True)
    reasons = fields.String(required=True, validate=LONG)
    ground = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf(("illegal", "terms")))
    law_or_rule = fields.String(load_default="", validate=SHORT)


class AppealItem(BaseSchema):
    id = fields.Integer(required=True)
    decision_id = fields.Integer(required=True)
    appellant = fields.String()
    explanation = fields.String()
    status = fields.String()
    outcome = fields.String(allow_none=True)
    created_at = fields.String()


class AppealList(BaseSchema):
    appeals = fields.List(fields.Nested(AppealItem), required=True)


class TrustedFlaggerIn(BaseSchema):
    site = SiteKey()
    pattern = fields.String(required=True, validate=validate.Length(min=1, max=320),
                            metadata={"description": "An address or a domain."})
    note = fields.String(load_default="", validate=validate.Length(max=500))


class TrustedFlaggerItem(BaseSchema):
    pattern = fields.String(required=True)
    note = fields.String()
    created_by = fields.String()
    created_at = fields.String()


class TrustedFlaggerList(BaseSchema):
    flaggers = fields.List(fields.Nested(TrustedFlaggerItem), required=True)


class TrustedFlaggerQuery(BaseSchema):
    site = SiteKey()


class TransparencyQuery(BaseSchema):
    site = SiteKey()
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True, metadata={"description": "The last day counted."})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class TransparencyOut(BaseSchema):
    site = fields.String(required=True)
    from_ = fields.String(data_key="from")
    to = fields.String()
    notices_received = fields.Integer()
    notices_from_trusted_flaggers = fields.Integer()
    notices_by_ground_and_outcome = fields.Dict(keys=fields.String(), values=fields.Integer())
    median_hours_to_decision = fields.Float(allow_none=True)
    decisions_automated = fields.Integer()
    decisions_human = fields.Integer()
    actions_without_notice = fields.Integer()
    appeals_received = fields.Integer()
    appeals_decided = fields.Integer()
    reversals = fields.Integer()
