module dsql.dev/earlyinit

go 1.26.2
