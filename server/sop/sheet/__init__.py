"""The SOP AP sheet (Permen PAN-RB 35/2012) of a diagram: the identity page and the procedure table
with its flowchart across the actor columns, as HTML, PDF and DOCX."""
