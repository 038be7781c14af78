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
from functools import wraps
from typing import Any

from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import (
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    meta,
    nodes,
    pass_environment,
)
from jinja2.compiler import CodeGenerator
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
#: Methods a template may not call, on any value: they pad, repeat or translate text to
#: a size the template chooses (``'x'.ljust(10**9)``, ``big.replace('x', long)``).
BLOCKED_METHODS = frozenset(
    {
        "center",
        "ljust",
        "rjust",
        "zfill",
        "expandtabs",
        "replace",
        "join",
        "format",
        "format_map",
        "translate",
        "to_bytes",
    }
)
#: Statements a template may not use: each captures output into a value (a macro's,
#: a ``set`` or ``filter`` block's), out of reach of the output limit; letters need none.
BLOCKED_STATEMENTS = {
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.FilterBlock: "filter",
    nodes.AssignBlock: "set ... endset",
    nodes.Block: "block",
}
#: ``*`` may repeat text or a list to at most this many characters (or items).
MAX_REPEAT = 100_000
#: The most characters (list items, weighted by their own size) any value a template
#: builds may hold: the result of every operator, filter, method call and ``~``.
MAX_VALUE_SIZE = 1_000_000
#: The most characters one letter's built values may add up to (a loop building a big
#: value on every step is work, even when each value is within ``MAX_VALUE_SIZE``).
MAX_BUILT = 50_000_000
#: The most decimal digits a number a template builds may have (``9**100**100``).
MAX_DIGITS = 1_000
#: The widest field or longest precision a ``format`` filter may ask for (``%0100d``).
MAX_FORMAT_WIDTH = 100
#: Loop iterations plus calls one letter may take, over all its loops together.
MAX_STEPS = 100_000
#: The most characters of XML one letter may render to, over all its parts.
MAX_OUTPUT = 20_000_000
#: A template whose parts unpack to more than this is refused (a zip bomb).
MAX_UNPACKED_BYTES = 50_000_000
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_PARAGRAPH = re.compile(r"<w:p([ >])")
_TAG = re.compile(r"<[^>]+>")
#: A ``%`` conversion: flags, width, precision (``%(name)-10.2f``).
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?")
#: The filter the code generator wraps round every loop's iterable.
_LOOP_FILTER = "pdms_counted_loop"
_LOG10_2 = 0.30103


def _size(value: Any, limit: int) -> int:
    """About how many characters ``value`` holds (a list: its items' sizes, and one per
    item); counting stops soon after ``limit``, so a huge value costs little to measure."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, bool) or not isinstance(value, int | list | tuple | set | dict):
        return 1
    if isinstance(value, int):
        return int(value.bit_length() * _LOG10_2) + 1
    items = value.items() if isinstance(value, dict) else value
    total = len(value)
    for item in items:
        if total > limit:
            break
        total += _size(item, limit - total)
    return total


def _digits(value: Any) -> int:
    """Decimal digits of an int (0 for anything else)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value.bit_length() * _LOG10_2) + 1
    return 0


class _LetterCodeGenerator(CodeGenerator):
    """Compiles templates with the sandbox's counters in them: every loop's iterable
    goes through :meth:`LetterEnvironment.counted` and every ``~`` through
    :meth:`LetterEnvironment.sized`; statements that capture output are refused."""

    def visit_Template(self, node: nodes.Template, frame: Any = None) -> None:
        # Before the generator's first pass, which names every filter the code uses.
        for loop in node.find_all(nodes.For):
            if loop.recursive:
                self.fail("recursive loops are not allowed in letters", loop.lineno)
            loop.iter = nodes.Filter(
                loop.iter, _LOOP_FILTER, [], [], None, None, lineno=loop.lineno
            )
        super().visit_Template(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Any) -> None:
        self.write("environment.sized(")
        super().visit_Concat(node, frame)
        self.write(")")

    def _refuse(self, node: nodes.Node, frame: Any) -> None:
        self.fail(f"'{BLOCKED_STATEMENTS[type(node)]}' is not allowed in letters", node.lineno)

    visit_Macro = visit_CallBlock = visit_FilterBlock = _refuse  # type: ignore[assignment]
    visit_AssignBlock = visit_Block = _refuse  # type: ignore[assignment]


class LetterEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox council templates run in.

    Besides Jinja's own sandbox: no filter that reaches attributes by name or skips
    escaping, none that pads text to a width the template chooses, no random output, no
    ``range`` or ``namespace`` (letters loop over their fields, and change nothing), no
    method that pads, repeats or translates text, and limits on size and work: every
    value the template builds (by ``*``, ``**``, ``+``, ``%``, ``~``, a filter or a
    method) is measured (``MAX_VALUE_SIZE``, ``MAX_DIGITS``; all of them together
    ``MAX_BUILT``), ``*`` and ``**`` are refused before they build a huge value, loops
    and calls share a budget (``MAX_STEPS``), and the rendered XML has a ceiling
    (``MAX_OUTPUT``). Make one per letter: it counts.
    """

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _LetterCodeGenerator

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=True, finalize=_printable)
        self.steps = 0
        self.output = 0
        self.built = 0
        for name in BLOCKED_FILTERS:
            self.filters.pop(name, None)
        for name in ("lipsum", "range", "namespace"):
            self.globals.pop(name, None)
        checks = {"format": _check_format, "join": _check_join, "replace": _check_replace}
        checks |= {"batch": _check_count, "slice": _check_count, "tojson": _check_tojson}
        for name, function in list(self.filters.items()):
            self.filters[name] = self._measured(function, checks.get(name))
        self.filters[_LOOP_FILTER] = pass_environment(_counted)

    def _measured(self, function: Any, check: Any) -> Any:
        """The filter, refusing arguments that would build a huge value (``check``) and
        any result that is one."""
        environment = self

        @wraps(function)
        def measured(*args: Any, **kwargs: Any) -> Any:
            if check is not None:
                # a filter passed the context or environment has it first
                skip = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0
                check(*args[skip:], **kwargs)
            return environment.sized(function(*args, **kwargs))

        return measured

    def sized(self, value: Any) -> Any:
        """``value``, unless it is bigger than a template may build."""
        if _digits(value) > MAX_DIGITS:
            raise SecurityError(f"a number longer than {MAX_DIGITS:,} digits is not allowed")
        size = _size(value, MAX_VALUE_SIZE)
        if size > MAX_VALUE_SIZE:
            raise SecurityError(f"a value longer than {MAX_VALUE_SIZE:,} is not allowed")
        self.built += size
        if self.built > MAX_BUILT:
            raise SecurityError(f"the letter builds more than {MAX_BUILT:,} characters of values")
        return value

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise SecurityError(f"more than {MAX_STEPS:,} loop steps and calls in one letter")

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return attr not in BLOCKED_METHODS and super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj: Any) -> bool:
        bound = getattr(obj, "__self__", None) is not None
        if bound and getattr(obj, "__name__", None) in BLOCKED_METHODS:
            return False
        return super().is_safe_callable(obj)

    def wrap_str_format(self, value: Any) -> None:
        return None  # ``format`` and ``format_map`` are refused, not sandboxed

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.step()
        return __self.sized(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            growing = _digits(left) and _digits(right) and right > 0
            if growing and left.bit_length() * right * _LOG10_2 > MAX_DIGITS:
                raise SecurityError(f"a number longer than {MAX_DIGITS:,} digits is not allowed")
            return self.sized(left**right)
        if operator == "*":
            if _digits(left) and _digits(right) and _digits(left) + _digits(right) > MAX_DIGITS:
                raise SecurityError(f"a number longer than {MAX_DIGITS:,} digits is not allowed")
            for sized, count in ((left, right), (right, left)):
                repeats = isinstance(sized, str | list | tuple) and _digits(count) and count > 0
                if repeats and _size(sized, MAX_REPEAT) * count > MAX_REPEAT:
                    raise SecurityError(f"a value longer than {MAX_REPEAT:,} is not allowed")
            return self.sized(left * right)
        if operator == "%":
            if isinstance(left, str):  # text formatting, as the format filter does it
                _check_width(left)
            return self.sized(left % right)
        return self.sized(left + right)

    def concat(self, parts: Any) -> str:  # type: ignore[override]
        """A part's rendered XML, stopped once the letter's output passes ``MAX_OUTPUT``."""
        kept = []
        for part in parts:
            self.output += len(part)
            if self.output > MAX_OUTPUT:
                raise SecurityError(f"the letter would be longer than {MAX_OUTPUT:,} characters")
            kept.append(part)
        return "".join(kept)


def _counted(environment: LetterEnvironment, iterable: Any) -> Iterator[Any]:
    """A loop's items, each one step of the letter's budget."""
    for item in iterable:
        environment.step()
        yield item


def _check_width(text: Any) -> None:
    for width, precision in _CONVERSION.findall(str(text)):
        for number in (width, precision):
            if number == "*" or (number and int(number) > MAX_FORMAT_WIDTH):
                raise SecurityError(
                    f"a format wider or more precise than {MAX_FORMAT_WIDTH} is not allowed"
                )


def _check_format(value: Any, *args: Any, **kwargs: Any) -> None:
    _check_width(value)


def _check_join(value: Any, separator: Any = "", attribute: Any = None) -> None:
    items = list(value) if isinstance(value, str | list | tuple) else []
    total = len(str(separator)) * max(len(items) - 1, 0)
    total += _size(items, MAX_VALUE_SIZE)
    if total > MAX_VALUE_SIZE:
        raise SecurityError(f"a value longer than {MAX_VALUE_SIZE:,} is not allowed")


def _check_replace(value: Any, old: Any, new: Any, count: Any = None) -> None:
    text, old, new = str(value), str(old), str(new)
    times = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    if len(text) + times * max(len(new) - len(old), 0) > MAX_VALUE_SIZE:
        raise SecurityError(f"a value longer than {MAX_VALUE_SIZE:,} is not allowed")


def _check_count(value: Any, count: Any, *args: Any, **kwargs: Any) -> None:
    if not isinstance(count, int) or count > MAX_REPEAT:
        raise SecurityError(f"a count above {MAX_REPEAT:,} is not allowed")


def _check_tojson(value: Any, indent: Any = None) -> None:
    if indent is not None and (not isinstance(indent, int) or indent > MAX_FORMAT_WIDTH):
        raise SecurityError(f"an indent above {MAX_FORMAT_WIDTH} is not allowed")


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
    methods = {node.attr for node in tree.find_all(nodes.Getattr) if node.attr in BLOCKED_METHODS}
    if methods:
        raise ValidationFailed(
            f"The template calls {', '.join(repr(n) for n in sorted(methods))} (in {where}); "
            "methods that pad, repeat or replace text are not allowed in letters "
            "(use the filters, such as join).",
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
    except Exception as exc:  # untrusted template code: any failure there is its own
        # Python's own words can quote values (a record's personal data): its type only.
        raise ValidationFailed(
            f"The template could not be filled: {type(exc).__name__} while filling it.",
            field="templateId",
        ) from None
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
