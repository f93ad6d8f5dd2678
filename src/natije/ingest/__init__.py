"""Getting data in and out: program packages (folder or .zip) → validated domain objects and batches → files.

Modules, in the order an import uses them:

- ``package``       open a folder or zip, find ``program.yaml``, ``observations*``, ``revisions.csv``,
                    reference CSVs
- ``program_yaml``  parse + validate ``program.yaml`` (JSON Schema in ``schema/``, domain rules in
                    ``build_objects``)
- ``reference_csv`` ``territories.csv`` and ``territory_changes.csv``
- ``readers``       registry of tabular readers by extension (``read_csv``, ``read_xlsx``, ``read_parquet``)
- ``known``         the store's catalog merged with the packages' declarations, as lookup frames
- ``references``    codes named in ``program.yaml`` must exist
- ``validate``      vectorised checks of observation/revision batches; ``duplicates`` across all files
- ``plan``          :func:`~natije.ingest.plan.prepare`: validate everything, then replay batches for writing
- ``export``        deterministic writers of the same format

Nothing here touches the store: ``natije.services.ingestion`` passes the catalog in and writes the result.
"""
