"""Recompute the seal chain and name the first audit row or seal that does not match."""

from __future__ import annotations

from dataclasses import dataclass, field

from audit.models import AuditSeal
from audit.services import fetch_rows, row_digest, seal_hash
from audit.triggers import sealed_tables


@dataclass
class VerifyResult:
    seals_checked: int = 0
    rows_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(*, stop_at_first: bool = True) -> VerifyResult:
    result = VerifyResult()
    pk_of = {table: pk for table, pk, _time in sealed_tables()}
    previous_hash = ""
    for seal in AuditSeal.objects.order_by("id").iterator(chunk_size=50):
        result.seals_checked += 1
        if seal.previous_hash != previous_hash:
            result.problems.append(
                f"seal #{seal.pk}: previous hash does not match seal before it (chain broken)"
            )
        expected = seal_hash(seal.previous_hash, seal.ranges, seal.columns, seal.digests)
        if expected != seal.hash:
            result.problems.append(f"seal #{seal.pk}: its own hash does not match its contents")
        for table, (after, upto) in sorted(seal.ranges.items()):
            stored = seal.digests.get(table, [])
            if upto <= after and not stored:
                continue
            pk = pk_of.get(table, "id")
            sealed = dict(item.split(":", 1) for item in stored)
            cols = seal.columns.get(table, [])
            actual = {}
            for row_pk, text in fetch_rows(table, pk, after, upto):
                actual[str(row_pk)] = row_digest(table, row_pk, text, cols)
            result.rows_checked += len(actual)
            for key in sorted(set(sealed) | set(actual), key=int):
                if key not in actual:
                    problem = f"row is missing (deleted after seal #{seal.pk})"
                elif key not in sealed:
                    problem = f"row is not covered by seal #{seal.pk} (inserted after sealing)"
                elif actual[key] != sealed[key]:
                    problem = f"content differs from seal #{seal.pk}"
                else:
                    continue
                result.problems.append(f"{table} row {pk}={key}: {problem}")
                if stop_at_first:
                    return result
            if result.problems and stop_at_first:
                return result
        previous_hash = seal.hash
        if result.problems and stop_at_first:
            return result
    return result
