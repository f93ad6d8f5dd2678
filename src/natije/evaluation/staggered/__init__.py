"""Callaway & Sant'Anna staggered DiD (``cs``): two-period DR/IPW/REG fits, ATT(g, t) cells, aggregations."""
