"""A short, readable dump of a Document that reviews well in a diff (one line per node)."""

from __future__ import annotations

from bulletin.model import Addressee, Attachments, Document, Heading, Paragraph, SectionRow, Signature, Table


def _short(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[:n] + "…"


def dump(doc: Document) -> str:
    m = doc.meta
    out = [f"title: {m.title}", f"source: {m.source}", f"published: {m.published}"]
    if m.issuer:
        out.append(f"issuer: {m.issuer}")
    if m.doc_number:
        out.append(f"doc_number: {m.doc_number}")
    if m.url:
        out.append(f"url: {m.url}")
    for name in ("copy_number", "classification", "urgency"):
        if getattr(m, name):
            out.append(f"{name}: {getattr(m, name)}")
    if m.signers:
        out.append(f"signers: {' / '.join(m.signers)}")
    out += _blocks(doc.body, "")
    out += [f"{d.severity} {d.code} @{d.line}: {d.message}" for d in doc.diagnostics]
    return "\n".join(out) + "\n"


def _blocks(body: list, pad: str) -> list[str]:
    out: list[str] = []
    for b in body:
        n0 = len(out)
        if isinstance(b, Table):
            out.append(f"table [{' | '.join(b.columns)}] rows={len(b.rows)}")
            for r in b.rows:
                if isinstance(r, SectionRow):
                    out.append(f"  section: {r.text}")
                    continue
                counts = ["/".join(str(sum(p.group == g for p in c.paragraphs))
                                   for g in sorted({p.group for p in c.paragraphs})) or "0" for c in r.cells]
                out.append(f"  item {r.number}: {r.name} entries={','.join(counts)}")
                for c in r.cells[1:]:
                    for p in c.paragraphs:
                        if p.marker or len(c.paragraphs) > 1:
                            out.append(f"    g{p.group} {p.marker or '·'} {_short(p.text)}")
        elif isinstance(b, Heading):
            out.append(f"heading{b.level} {b.marker} {b.text}")
        elif isinstance(b, Paragraph):
            out.append(f"paragraph{' (run-in)' if b.run_in else ''}{' ' + b.marker if b.marker else ''}: "
                       f"{_short(b.text)}")
        elif isinstance(b, Addressee):
            out.append(f"addressee: {b.text}")
        elif isinstance(b, Attachments):
            out += ["attachments:"] + [f"  {p.marker or '·'} {p.text}" for p in b.items]
        elif isinstance(b, Signature):
            out.append(f"signature: {' / '.join(b.signers)} — {b.date_text} ({b.date})")
        elif b.type == "note":
            out.append(f"note: {b.text}")
        elif b.type == "annex":
            out.append(f"annex {b.label}: {b.title}")
            out += _blocks(b.body, pad + "  ")
            continue
        elif b.type == "record":
            out.append(f"record: cc={' / '.join(b.cc)} printer={b.printer} printed={b.printed_text} ({b.printed})")
        else:
            raise TypeError(f"tree.dump has no line for a block of type {b.type!r}")
        out[n0:] = [pad + x for x in out[n0:]]
    return out
