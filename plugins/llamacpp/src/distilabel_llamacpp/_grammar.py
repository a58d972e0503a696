"""llama.cpp grammars (GBNF) for distilabel's structured-output requests.

A ``json`` request becomes llama-cpp-python's grammar for its JSON schema (any JSON
object without one); a ``regex`` request is translated here from Python's own parse of
the pattern, so the grammar accepts what ``re.fullmatch`` (the core's check) accepts:
literals, classes (``\\d``, ``\\w``, ``\\s``, ranges, negation), ``.``, groups,
alternation and every repetition. Look-arounds and back-references have no grammar form
and are refused with a message saying so. Grammars are compiled once per request.
"""

from __future__ import annotations

import functools
import importlib
import json
from typing import TYPE_CHECKING, Any

from distilabel.errors import LLMCapabilityError
from distilabel.llms import StructuredOutput

if TYPE_CHECKING:
    from llama_cpp import LlamaGrammar

__all__ = ["gbnf_for", "grammar_for", "regex_to_gbnf"]

try:  # Python 3.11+: the regex parser's home (sre_parse before, deprecated since)
    _sre: Any = importlib.import_module("re._constants")
    _sre_parse: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    _sre = importlib.import_module("sre_constants")
    _sre_parse = importlib.import_module("sre_parse")

_CATEGORIES: dict[Any, tuple[str, bool]] = {
    _sre.CATEGORY_DIGIT: ("0-9", False),
    _sre.CATEGORY_NOT_DIGIT: ("0-9", True),
    _sre.CATEGORY_WORD: ("a-zA-Z0-9_", False),
    _sre.CATEGORY_NOT_WORD: ("a-zA-Z0-9_", True),
    _sre.CATEGORY_SPACE: (" \\t\\n\\r\\f\\v", False),
    _sre.CATEGORY_NOT_SPACE: (" \\t\\n\\r\\f\\v", True),
}


def _char(code: int, in_class: bool) -> str:
    """One character escaped for a GBNF literal or character class."""
    specials = {9: "\\t", 10: "\\n", 13: "\\r", 12: "\\f", 11: "\\v", 92: "\\\\"}
    if code in specials:
        return specials[code]
    char = chr(code)
    if in_class and char in "]-^[":
        return "\\" + char
    if not in_class and char == '"':
        return '\\"'
    if code < 32 or code == 127:
        return f"\\x{code:02x}"
    return char


def _class(items: list[tuple[Any, Any]], pattern: str) -> str:
    negate = False
    parts: list[str] = []
    for op, value in items:
        if op is _sre.NEGATE:
            negate = True
        elif op is _sre.LITERAL:
            parts.append(_char(value, True))
        elif op is _sre.RANGE:
            parts.append(f"{_char(value[0], True)}-{_char(value[1], True)}")
        elif op is _sre.CATEGORY:
            chars, negated = _CATEGORIES[value]
            if negated:
                if len(items) > 1:
                    raise _unsupported(pattern, "a negated class (\\D, \\W, \\S) inside [...]")
                return f"[^{chars}]"
            parts.append(chars)
        else:
            raise _unsupported(pattern, f"{op} inside a character class")
    return f"[{'^' if negate else ''}{''.join(parts)}]"


def _unsupported(pattern: str, what: str) -> LLMCapabilityError:
    return LLMCapabilityError(
        f"LlamaCppLLM cannot turn the regex {pattern!r} into a grammar: it uses {what}."
        " Grammars express literals, classes, groups, alternation and repetition; rewrite"
        " the pattern without look-arounds or back-references."
    )


def _sequence(items: Any, pattern: str) -> str:
    out: list[str] = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            out.append('"' + "".join(literal) + '"')
            literal.clear()

    for op, value in items:
        if op is _sre.LITERAL:
            literal.append(_char(value, False))
            continue
        flush()
        if op is _sre.NOT_LITERAL:
            out.append(f"[^{_char(value, True)}]")
        elif op is _sre.ANY:
            out.append("[^\\n]")
        elif op is _sre.IN:
            out.append(_class(value, pattern))
        elif op is _sre.CATEGORY:
            out.append(_class([(op, value)], pattern))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
            low, high, sub = value
            body = f"({_sequence(sub, pattern)})"
            if (low, high) == (0, _sre.MAXREPEAT):
                out.append(body + "*")
            elif (low, high) == (1, _sre.MAXREPEAT):
                out.append(body + "+")
            elif (low, high) == (0, 1):
                out.append(body + "?")
            elif high == _sre.MAXREPEAT:
                out.append(f"{body}{{{low},}}")
            elif low == high:
                out.append(f"{body}{{{low}}}")
            else:
                out.append(f"{body}{{{low},{high}}}")
        elif op is _sre.SUBPATTERN:
            out.append(f"({_sequence(value[-1], pattern)})")
        elif op is _sre.BRANCH:
            out.append("(" + " | ".join(_sequence(b, pattern) or '""' for b in value[1]) + ")")
        elif op is _sre.AT:
            if value not in (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING, _sre.AT_END,
                             _sre.AT_END_STRING):
                raise _unsupported(pattern, f"the anchor {value}")
        elif op is getattr(_sre, "ATOMIC_GROUP", None):
            out.append(f"({_sequence(value, pattern)})")
        else:
            names = {_sre.ASSERT: "a look-ahead/behind", _sre.ASSERT_NOT: "a look-ahead/behind",
                     _sre.GROUPREF: "a back-reference"}
            raise _unsupported(pattern, names.get(op, str(op)))
    flush()
    return " ".join(out)


def regex_to_gbnf(pattern: str) -> str:
    """A GBNF grammar whose language is what ``re.fullmatch(pattern, text)`` accepts.

    Raises:
        LLMCapabilityError: the pattern uses what grammars cannot express.
    """
    parsed = _sre_parse.parse(pattern)
    body = _sequence(parsed, pattern) or '""'
    return f"root ::= {body}\n"


@functools.lru_cache(maxsize=128)
def gbnf_for(spec: StructuredOutput) -> str:
    """The GBNF text for ``spec`` (cached per request)."""
    from llama_cpp import llama_grammar

    if spec.format == "regex":
        assert spec.pattern is not None
        return regex_to_gbnf(spec.pattern)
    if spec.json_schema is None:
        return llama_grammar.JSON_GBNF
    gbnf = str(llama_grammar.json_schema_to_gbnf(json.dumps(spec.json_schema)))
    return gbnf.replace(_LOOSE_STRING_CHAR, _JSON_STRING_CHAR)


# llama-cpp-python's schema converter lets a string hold raw control characters (a
# newline), which JSON forbids: the model could write invalid JSON under the grammar.
# Its own JSON_GBNF, like llama.cpp's converter, excludes them; so do we.
_LOOSE_STRING_CHAR = r'char ::= [^"\\] |'
_JSON_STRING_CHAR = r'char ::= [^"\\\x7F\x00-\x1F] |'


@functools.lru_cache(maxsize=128)
def grammar_for(spec: StructuredOutput) -> LlamaGrammar:
    """The compiled llama.cpp grammar for ``spec`` (cached per request)."""
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_string(gbnf_for(spec), verbose=False)
