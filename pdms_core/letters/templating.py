"""Word templates: read their merge fields, find their mistakes, fill them in a sandbox.

docxtpl turns the document's XML into a Jinja template (merging the runs Word splits a
``{{ field }}`` into). Templates come from council staff, not from code, so they run in
Jinja's immutable sandbox: no attribute starting with ``_``, no internals, no changing
values, no ``attr`` or ``safe`` filter, and a field that is not given is an error
(``StrictUndefined``), never an empty gap in a letter. Values are XML-escaped
(docxtpl's ``autoescape``), so an ``&`` or ``<`` in a name cannot break the document.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from pdms_core.errors import ValidationFailed

#: Filters a template may not use: ``attr`` reaches attributes by name, ``safe`` would
#: put unescaped text into the document's XML, the padding ones take any width, and
#: ``random`` would make two letters from one record differ.
BLOCKED_FILTERS = (
    "attr",
    "safe",
    "center",
    "indent",
    "wordwrap",
    "truncate",
    "random",
    "pprint",
    "xmlattr",
    "urlize",
)
#: Limits on ``*`` and ``**`` in templates.
MAX_REPEAT = 100_000
MAX_POWER = 100
#: A template whose parts unpack to more than this is refused (a zip bomb).
MAX_UNPACKED_BYTES = 50_000_000
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_PARAGRAPH = re.compile(r"<w:p([ >])")
_TAG = re.compile(r"<[^>]+>")


class LetterEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox council templates run in.

    Besides Jinja's own sandbox: no filter that reaches attributes by name or skips
    escaping, none that pads text to a width the template chooses, no random output, no
    ``range`` (letters loop over their fields), and ``*`` and ``**`` may not build huge
    values (``{{ 'x' * 10**9 }}``).
    """

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=True, finalize=_printable)
        for name in BLOCKED_FILTERS:
            self.filters.pop(name, None)
        for name in ("lipsum", "range"):
            self.globals.pop(name, None)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > MAX_POWER:
                raise SecurityError(f"a power above {MAX_POWER} is not allowed")
            return left**right
        for sized, count in ((left, right), (right, left)):
            repeats = isinstance(sized, str | list | tuple) and isinstance(count, int)
            if repeats and len(sized) * count > MAX_REPEAT:
                raise SecurityError(f"a value longer than {MAX_REPEAT:,} is not allowed")
        return left * right


def _printable(value: Any) -> Any:
    """What ``{{ ... }}`` prints must be a value, not a method or function."""
    if callable(value):
        raise SecurityError("a template may print values only, not methods or functions")
    return value


@dataclass
class TemplateShape:
    """What a template asks for: its merge fields, and per loop field the names it
    reads from each row (``{% for week in weeks %}{{ week.balance }}``)."""

    fields: set[str] = field(default_factory=set)
    row_names: dict[str, set[str]] = field(default_factory=dict)


def open_template(content: bytes) -> DocxTemplate:
    """The template, or VALIDATION when Word's package cannot be read."""
    _check_unpacked_size(content)
    template = DocxTemplate(io.BytesIO(content))
    try:
        template.init_docx()
    except Exception as exc:  # any failure to read untrusted bytes is the file's fault
        raise ValidationFailed(
            f"Word cannot open this file as a document ({type(exc).__name__}).", field="file"
        ) from None
    return template


def _check_unpacked_size(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            unpacked = sum(item.file_size for item in package.infolist())
    except (zipfile.BadZipFile, ValueError):
        return  # python-docx says why it cannot open it
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationFailed(
            f"The document unpacks to {unpacked:,} bytes, more than a letter template "
            f"may ({MAX_UNPACKED_BYTES:,}).",
            field="file",
        )


def _parts(template: DocxTemplate) -> Iterator[tuple[str, str]]:
    """(where, Jinja source) of every part docxtpl fills, named for people."""
    docx = template.docx
    yield "the body", template.patch_xml(template.xml_to_string(docx._element.body))
    for uri, name in ((template.HEADER_URI, "a header"), (template.FOOTER_URI, "a footer")):
        for _, relation in docx._part.rels.items():
            if relation.reltype == uri and relation.target_part.blob:
                xml = template.xml_to_string(parse_xml(relation.target_part.blob))
                yield name, template.patch_xml(xml)
    for part in docx._part.package.parts:
        if part.content_type == FOOTNOTES:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            yield "the footnotes", template.patch_xml(blob)
    for name in PROPERTIES:
        value = getattr(docx.core_properties, name) or ""
        if "{" in value:
            yield f"the document's {name} property", value


def _where(where: str, source: str, line: int | None) -> str:
    """Words for the place of a mistake: the part, the paragraph and its text."""
    if line is None:
        return f"in {where}"
    lines = source.splitlines()
    text = " ".join(_TAG.sub("", lines[line - 1]).split()) if 0 < line <= len(lines) else ""
    text = text if len(text) <= 80 else text[:77] + "..."
    if not where.startswith("the document's"):
        return f"in {where}, paragraph {max(line - 1, 1)}" + (f' ("{text}")' if text else "")
    return f"in {where}"


def template_shape(content: bytes, environment: LetterEnvironment | None = None) -> TemplateShape:
    """Parse every part of a template; VALIDATION naming where any mistake is."""
    environment = environment or LetterEnvironment()
    template = open_template(content)
    shape = TemplateShape()
    for where, xml in _parts(template):
        # One paragraph per line, as docxtpl renders it, so a line number is a paragraph.
        source = _PARAGRAPH.sub(r"\n<w:p\1", xml)
        try:
            tree = environment.parse(source)
            environment.from_string(source)  # unknown filters and tests show here
        except TemplateSyntaxError as exc:
            raise ValidationFailed(
                f"The template has a mistake {_where(where, source, exc.lineno)}: {exc.message}",
                field="file",
            ) from None
        except TemplateError as exc:
            raise ValidationFailed(
                f"The template has a mistake {_where(where, source, None)}: {exc}",
                field="file",
            ) from None
        _refuse_unsafe(tree, where)
        shape.fields |= meta.find_undeclared_variables(tree)
        _collect_rows(tree, shape.row_names)
    return shape


def _refuse_unsafe(tree: nodes.Template, where: str) -> None:
    if any(tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport))):
        raise ValidationFailed(
            f"The template brings in another template (in {where}); letters must be "
            "self-contained.",
            field="file",
        )
    hidden = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        name = node.attr if isinstance(node, nodes.Getattr) else _constant(node.arg)
        if isinstance(name, str) and name.startswith("_"):
            hidden.add(name)
    if hidden:
        raise ValidationFailed(
            f"The template reads {', '.join(repr(n) for n in sorted(hidden))} (in {where}); "
            "names starting with '_' are not merge fields and templates may not use them.",
            field="file",
        )


def _constant(node: nodes.Node) -> Any:
    return node.value if isinstance(node, nodes.Const) else None


def _collect_rows(tree: nodes.Template, rows: dict[str, set[str]]) -> None:
    """Note which names each loop over a merge field reads from its rows."""
    for loop in tree.find_all(nodes.For):
        if not (isinstance(loop.iter, nodes.Name) and isinstance(loop.target, nodes.Name)):
            continue
        used = rows.setdefault(loop.iter.name, set())
        for body in loop.body:
            for node in body.find_all((nodes.Getattr, nodes.Getitem)):
                if isinstance(node.node, nodes.Name) and node.node.name == loop.target.name:
                    name = node.attr if isinstance(node, nodes.Getattr) else _constant(node.arg)
                    if isinstance(name, str):
                        used.add(name)


def render_template(content: bytes, context: dict[str, Any]) -> bytes:
    """The filled document's bytes; VALIDATION if the template fails while filling."""
    template = open_template(content)
    try:
        template.render(context, jinja_env=LetterEnvironment(), autoescape=True)
    except TemplateError as exc:
        # The sandbox's refusals and unknown names land here; nothing was stored.
        raise ValidationFailed(
            f"The template could not be filled: {exc.message or type(exc).__name__}",
            field="templateId",
        ) from None
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
