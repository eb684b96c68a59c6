"""Moderation rules: words with wildcards and bans, loaded per request, matched in bounded time."""

from __future__ import annotations

import bisect
import ipaddress
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, or_, select

from comments.database.engine import write_transaction
from comments.errors import Forbidden, Invalid, NotFound
from comments.extensions import db
from comments.models import Moderator, Rule, Site
from comments.models.rules import RULE_KINDS
from comments.models.types import utcnow
from comments.services import audit

WORD_KINDS = ("block_word", "hold_word")
# Zero-width and soft-hyphen characters a spammer slips inside a word to dodge a filter.
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def normalise_text(text: str) -> str:
    """Text as the word rules see it: NFKC-folded, caseless, without invisible characters."""
    return unicodedata.normalize("NFKC", text).translate(INVISIBLE).casefold()


def normalise_word(pattern: str) -> str:
    """A word rule as stored: trimmed, folded, inner whitespace collapsed."""
    return " ".join(normalise_text(pattern).split())


class _Trie:
    """Patterns merged by common prefix, so one regex tries only the branches that can match."""

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.end = False

    def add(self, atoms: list[str]) -> None:
        node = self
        for atom in atoms:
            node = node.children.setdefault(atom, _Trie())
        node.end = True

    def regex(self) -> str:
        branches = [atom + child.regex() for atom, child in sorted(self.children.items())]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if self.end:
            return f"(?:{body})?"
        return body


STAR = r"\w{0,30}"
MAX_STARS = 2


def _atoms(pattern: str) -> list[str]:
    """A word pattern as regex atoms: `*` up to 30 letters, `?` one letter, a space any spacing.

    A star is bounded and a pattern has at most two, so one attempt costs at most a fixed
    number of steps, whatever a spammer types: matching stays linear in the text.
    """
    atoms: list[str] = []
    for char in pattern:
        if char == "*":
            if atoms[-1:] != [STAR]:
                atoms.append(STAR)
        elif char == "?":
            atoms.append(r"\w")
        elif char == " ":
            atoms.append(r"\s+")
        else:
            atoms.append(re.escape(char))
    return atoms


def compile_words(patterns: list[str]) -> re.Pattern[str] | None:
    """One regex matching any of the word patterns as whole words, or None without patterns."""
    trie = _Trie()
    for pattern in patterns:
        atoms = _atoms(normalise_word(pattern))
        if atoms.count(STAR) > MAX_STARS:
            continue  # only rules written around validate_pattern can have more
        if any(atom not in (STAR, r"\w", r"\s+") for atom in atoms):
            trie.add(atoms)
    if not trie.children:
        return None
    return re.compile(r"(?<!\w)" + trie.regex() + r"(?!\w)")


@dataclass
class NetworkSet:
    """Banned address ranges, merged and sorted so a lookup is one binary search."""

    starts: dict[int, list[int]] = field(default_factory=dict)
    ends: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, networks: list[Network]) -> NetworkSet:
        result = cls()
        for version in (4, 6):
            same: list[Any] = [n for n in networks if n.version == version]
            merged = list(ipaddress.collapse_addresses(same))
            merged.sort(key=lambda n: int(n.network_address))
            result.starts[version] = [int(n.network_address) for n in merged]
            result.ends[version] = [int(n.broadcast_address) for n in merged]
        return result

    def __contains__(self, address: str) -> bool:
        if not any(self.starts.values()):
            return False  # no range is banned (nearly every site): nothing to parse
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        starts, ends = self.starts.get(ip.version, []), self.ends.get(ip.version, [])
        value = int(ip)
        index = bisect.bisect_right(starts, value) - 1
        return index >= 0 and value <= ends[index]


@dataclass
class RuleSet:
    """A site's rules in force now, compiled for matching."""

    blocked: re.Pattern[str] | None = None
    held: re.Pattern[str] | None = None
    emails: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    networks: NetworkSet = field(default_factory=NetworkSet)
    readers: frozenset[str] = frozenset()  # ids of banned signed-in readers (services/identity/)

    def blocked_word(self, text: str) -> str | None:
        """The first blocked word in `text`, if any."""
        return _first(self.blocked, text)

    def held_word(self, text: str) -> str | None:
        """The first held word in `text`, if any."""
        return _first(self.held, text)

    def ban_reason(self, email: str | None, address: str | None) -> str | None:
        """Why this commenter is banned (email, its domain or parent domain, or address)."""
        if email:
            address_lower = email.strip().lower()
            if address_lower in self.emails:
                return "ban: email address"
            domain = address_lower.rsplit("@", 1)[-1]
            labels = domain.split(".")
            for index in range(len(labels)):
                if ".".join(labels[index:]) in self.domains:
                    return "ban: email domain"
        if address and address in self.networks:
            return "ban: address range"
        return None


def _first(pattern: re.Pattern[str] | None, text: str) -> str | None:
    if pattern is None or not text:
        return None
    found = pattern.search(normalise_text(text))
    return found.group(0) if found else None


def compile_rules(rows: list[tuple[str, str]]) -> RuleSet:
    """Compile `(kind, pattern)` pairs into a RuleSet; malformed rows are skipped.

    Compiling thousands of words takes a noticeable fraction of a second, so the result is
    memoised by the exact rows it was built from. That cannot go stale: the rows themselves
    are read on every request, and different rows make a different key.
    """
    return _compile_rows(tuple(rows))


@lru_cache(maxsize=16)
def _compile_rows(rows: tuple[tuple[str, str], ...]) -> RuleSet:
    words: dict[str, list[str]] = {"block_word": [], "hold_word": []}
    rules = RuleSet()
    networks: list[Network] = []
    for kind, pattern in rows:
        if kind in words:
            words[kind].append(pattern)
        elif kind == "ban_email":
            rules.emails.add(pattern.strip().lower())
        elif kind == "ban_domain":
            rules.domains.add(pattern.strip().lower().lstrip("@").lstrip("."))
        elif kind == "ban_reader":
            rules.readers = rules.readers | {pattern.strip()}
        elif kind == "ban_network":
            try:
                networks.append(ipaddress.ip_network(pattern.strip(), strict=False))
            except ValueError:
                continue
    rules.blocked = compile_words(words["block_word"])
    rules.held = compile_words(words["hold_word"])
    rules.networks = NetworkSet.build(networks)
    return rules


# Built once, bound per post (composing it cost a post more than running it); of the table's
# columns, so it runs as a plain statement without the ORM's execution steps.
_RULES = Rule.__table__.c
_IN_FORCE = select(_RULES.kind, _RULES.pattern).where(
    or_(_RULES.site_id == bindparam("site_id"), _RULES.site_id.is_(None)),
    or_(_RULES.expires_at.is_(None), _RULES.expires_at > bindparam("now")),
).order_by(_RULES.id)


def load_rules(site_id: int) -> RuleSet:
    """The rules in force for a site (its own and the global ones), in one query.

    Nothing is cached in the process: a rule added on another machine applies at once.
    """
    rows = db.session.execute(_IN_FORCE, {"site_id": site_id, "now": utcnow()}).all()
    return compile_rules([(kind, pattern) for kind, pattern in rows])


def validate_pattern(kind: str, pattern: str) -> str:
    """The pattern as stored for `kind`, or Invalid."""
    if kind not in RULE_KINDS:
        raise Invalid(errors={"kind": [f"Must be one of {', '.join(RULE_KINDS)}."]})
    value = pattern.strip()
    if not value or len(value) > 500:
        raise Invalid(errors={"pattern": ["Between 1 and 500 characters."]})
    if kind in WORD_KINDS:
        value = normalise_word(value)
        if not re.search(r"[^\s*?]", value):
            raise Invalid(errors={"pattern": ["A word needs at least one letter besides * and ?."]})
        if len(re.findall(r"\*+", value)) > MAX_STARS:
            raise Invalid(errors={"pattern": [f"At most {MAX_STARS} wildcards (*) in a word."]})
        return value
    if kind == "ban_email":
        if "@" not in value or " " in value:
            raise Invalid(errors={"pattern": ["Not an email address."]})
        return value.lower()
    if kind == "ban_domain":
        value = value.lower().lstrip("@").lstrip(".")
        try:
            ascii_name = value.encode("idna").decode()
        except UnicodeError:
            ascii_name = ""
        if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", ascii_name):
            raise Invalid(errors={"pattern": ["Not a domain name."]})
        return value
    if kind == "ban_reader":
        if not re.fullmatch(r"[1-9][0-9]{0,9}", value):
            raise Invalid(errors={"pattern": ["A reader's id (a whole number)."]})
        return value
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError as error:
        raise Invalid(errors={"pattern": ["Not an address or range (CIDR)."]}) from error


def add_rule(site: Site | None, kind: str, pattern: str, *, by: Moderator, note: str = "",
             expires_at: datetime | None = None) -> Rule:
    """Add a rule for one site, or for every site (admins only)."""
    value = validate_pattern(kind, pattern)
    if site is None and not by.is_admin:
        raise Forbidden("Only an admin may add a rule for every site.")
    if site is not None and not by.may_moderate(site.id):
        raise Forbidden()
    if expires_at is not None and expires_at <= utcnow():
        raise Invalid(errors={"expires_at": ["Must be in the future."]})
    with write_transaction() as session:
        rule = Rule(site_id=site.id if site else None, kind=kind, pattern=value,
                    note=note.strip()[:500], created_by=by.email, expires_at=expires_at)
        session.add(rule)
        session.flush()
        audit.record("rule_added", actor=f"moderator:{by.email}", moderator_id=by.id,
                     site_id=site.id if site else None, after=_describe(rule))
    return rule


def delete_rule(rule_id: int, *, by: Moderator) -> None:
    """Remove a rule."""
    with write_transaction() as session:
        rule = session.get(Rule, rule_id)
        if rule is None:
            raise NotFound("No such rule.")
        if (rule.site_id is None and not by.is_admin) or (
            rule.site_id is not None and not by.may_moderate(rule.site_id)
        ):
            raise Forbidden()
        audit.record("rule_removed", actor=f"moderator:{by.email}", moderator_id=by.id,
                     site_id=rule.site_id, before=_describe(rule))
        session.delete(rule)


def list_rules(site_ids: list[int] | None, kind: str | None = None) -> list[Rule]:
    """Rules of these sites (None: all) plus global ones, newest first."""
    statement = select(Rule).order_by(Rule.created_at.desc(), Rule.id.desc())
    if site_ids is not None:
        statement = statement.where(or_(Rule.site_id.in_(site_ids), Rule.site_id.is_(None)))
    if kind:
        statement = statement.where(Rule.kind == kind)
    return list(db.session.execute(statement.limit(2000)).scalars())


def _describe(rule: Rule) -> dict[str, Any]:
    return {"kind": rule.kind, "pattern": rule.pattern,
            "expires_at": rule.expires_at.isoformat() if rule.expires_at else None}
