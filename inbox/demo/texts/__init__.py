"""The demo's customer texts, one module per language of the first markets."""

from inbox.demo.content import Language

from .be import BE
from .el import EL
from .en import EN
from .he import HE
from .ru import RU
from .zh import ZH

# Weights: how often each market writes in (English carries the global pages).
LANGUAGES: tuple[tuple[Language, int], ...] = (
    (EN, 30),
    (EL, 15),
    (RU, 15),
    (HE, 14),
    (ZH, 13),
    (BE, 13),
)
