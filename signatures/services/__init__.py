"""Services of the signatures app, by sub-domain:

- ``documents`` — storing documents (bytes + content type + SHA-256) for signing;
- ``simple`` — simple signatures confirmed by password or one-time code, sealed;
- ``ca`` — the university CA: issuing and revoking certificates, the CRL, key compromise;
- ``enhanced`` — detached CMS (CAdES-BES) and PAdES signatures, the organisation's seal;
- ``verification`` — verdicts for every signature of a document, the report.
Other apps (hr_edo, portal) sign and verify only through these modules.
"""
