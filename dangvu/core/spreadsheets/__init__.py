"""Spreadsheets for every module (platform code: no business module is imported here).

* ``safety``: formula injection — what exports must never run and inputs must refuse;
* ``writer``: large tables to .xlsx at constant memory, laid out as office documents;
* ``reader``: reading an uploaded .xlsx after its archive has been judged (``dangvu.core.uploads``).
"""
