"""The CP-SAT roster engine: model (rules and weights), solve, explain, repair.

Entry points: `model.RosterProblem`, `solve.solve_roster` / `solve.RosterSolver`,
`explain.explain_infeasible` / `explain.explain_shortfalls`, `repair.repair_roster`,
`weights.WEIGHTS` (the table of rule weights with units).
"""
