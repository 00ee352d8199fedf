"""rota_solve.solver: the spec and rota models, Excel in/out, the pay calculator, the checker
and the command line. Data flows one way: workbook -> model -> result -> workbook."""
