"""The inquiry report of a program: its content in HTML, Markdown and PDF.

:mod:`natije.reports.pdf` renders the report's HTML on paper (WeasyPrint, ``static/print.css``); its docstring
is the HTML contract the template follows.
"""
