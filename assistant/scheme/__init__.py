"""The whole “百姓提案” scheme after submission: clue grading, the three channels, 上下联动, handling and feedback,
the annual selection, the 《百姓提案》 periodical and the members' and committees' figures.

Submodules are imported where used: the routing engine imports the pure ``channels``/``linkage`` modules, so this
package must not import the services (which import routing) at package level.
"""
