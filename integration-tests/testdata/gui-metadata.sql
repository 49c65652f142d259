-- Metadata queries GUI tools and JDBC send when they connect and browse a database,
-- collected from DBeaver, MySQL Workbench, DataGrip (MySQL Connector/J) and TablePlus.
-- integration-tests/gui_test.go runs every statement against `dsql sql-server` with the
-- database `gui` selected (schema: gui-schema.sql) and requires each to succeed.
-- Statements end with ';' at the end of a line. A line "-- @tool NAME" names the tool whose
-- queries follow (reported on failure).

-- @tool MySQL Connector/J 8 (DataGrip, DBeaver): connection setup
/* mysql-connector-java-8.0.33 (Revision: 7d6b0800528b6b25c68b52dc10d6c1c8429c100c) */SELECT  @@session.auto_increment_increment AS auto_increment_increment, @@character_set_client AS character_set_client, @@character_set_connection AS character_set_connection, @@character_set_results AS character_set_results, @@character_set_server AS character_set_server, @@collation_server AS collation_server, @@collation_connection AS collation_connection, @@init_connect AS init_connect, @@interactive_timeout AS interactive_timeout, @@license AS license, @@lower_case_table_names AS lower_case_table_names, @@max_allowed_packet AS max_allowed_packet, @@net_write_timeout AS net_write_timeout, @@performance_schema AS performance_schema, @@sql_mode AS sql_mode, @@system_time_zone AS system_time_zone, @@time_zone AS time_zone, @@transaction_isolation AS transaction_isolation, @@wait_timeout AS wait_timeout;
SET NAMES utf8mb4;
SET character_set_results = NULL;
SET autocommit=1;
SELECT @@session.transaction_read_only;
SELECT @@session.transaction_isolation;
SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;
SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SHOW WARNINGS;
SELECT DATABASE();
SELECT @@version_comment LIMIT 1;
SELECT VERSION();

-- @tool MySQL Connector/J 5.1 (older DBeaver/DataGrip drivers): connection setup
/* mysql-connector-java-5.1.49 ( Revision: ad86f36e100e104cd926c6b81c8cab9565750116 ) */SELECT  @@session.auto_increment_increment AS auto_increment_increment, @@character_set_client AS character_set_client, @@character_set_connection AS character_set_connection, @@character_set_results AS character_set_results, @@character_set_server AS character_set_server, @@collation_server AS collation_server, @@init_connect AS init_connect, @@interactive_timeout AS interactive_timeout, @@license AS license, @@lower_case_table_names AS lower_case_table_names, @@max_allowed_packet AS max_allowed_packet, @@net_buffer_length AS net_buffer_length, @@net_write_timeout AS net_write_timeout, @@sql_mode AS sql_mode, @@system_time_zone AS system_time_zone, @@time_zone AS time_zone, @@transaction_isolation AS transaction_isolation, @@wait_timeout AS wait_timeout;
SHOW VARIABLES WHERE Variable_name = 'language' OR Variable_name = 'net_write_timeout' OR Variable_name = 'interactive_timeout' OR Variable_name = 'wait_timeout' OR Variable_name = 'character_set_client' OR Variable_name = 'character_set_connection' OR Variable_name = 'character_set' OR Variable_name = 'character_set_server' OR Variable_name = 'tx_isolation' OR Variable_name = 'transaction_isolation' OR Variable_name = 'character_set_results' OR Variable_name = 'timezone' OR Variable_name = 'time_zone' OR Variable_name = 'system_time_zone' OR Variable_name = 'lower_case_table_names' OR Variable_name = 'max_allowed_packet' OR Variable_name = 'net_buffer_length' OR Variable_name = 'sql_mode' OR Variable_name = 'query_cache_type' OR Variable_name = 'query_cache_size' OR Variable_name = 'license' OR Variable_name = 'init_connect';
SHOW COLLATION;
SELECT @@session.tx_read_only;
SHOW VARIABLES LIKE 'lower_case_table_names';

-- @tool MySQL Connector/J DatabaseMetaData (DataGrip and DBeaver object trees)
SHOW DATABASES;
SHOW FULL TABLES FROM `gui` LIKE '%';
SHOW FULL TABLES FROM `gui` LIKE 'cust%';
SHOW FULL COLUMNS FROM `customers` FROM `gui` LIKE '%';
SHOW INDEX FROM `customers` FROM `gui`;
SHOW KEYS FROM `gui`.`orders`;
SHOW CREATE TABLE `gui`.`orders`;
SELECT TABLE_SCHEMA AS TABLE_CAT, NULL AS TABLE_SCHEM, TABLE_NAME, CASE WHEN TABLE_TYPE='BASE TABLE' THEN CASE WHEN TABLE_SCHEMA = 'mysql' OR TABLE_SCHEMA = 'performance_schema' THEN 'SYSTEM TABLE' ELSE 'TABLE' END WHEN TABLE_TYPE='TEMPORARY' THEN 'LOCAL_TEMPORARY' ELSE TABLE_TYPE END AS TABLE_TYPE, TABLE_COMMENT AS REMARKS, NULL AS TYPE_CAT, NULL AS TYPE_SCHEM, NULL AS TYPE_NAME, NULL AS SELF_REFERENCING_COL_NAME, NULL AS REF_GENERATION FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'gui' AND TABLE_NAME LIKE '%' HAVING TABLE_TYPE IN ('TABLE','VIEW',NULL,NULL,NULL) ORDER BY TABLE_TYPE, TABLE_SCHEMA, TABLE_NAME;
SELECT TABLE_SCHEMA AS TABLE_CAT, NULL AS TABLE_SCHEM, TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_COMMENT, ORDINAL_POSITION, EXTRA, GENERATION_EXPRESSION FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'gui' AND TABLE_NAME LIKE 'customers' AND COLUMN_NAME LIKE '%' ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION;
SELECT TABLE_SCHEMA AS TABLE_CAT, NULL AS TABLE_SCHEM, TABLE_NAME, NON_UNIQUE, NULL AS INDEX_QUALIFIER, INDEX_NAME, 3 AS TYPE, SEQ_IN_INDEX AS ORDINAL_POSITION, COLUMN_NAME, COLLATION AS ASC_OR_DESC, CARDINALITY, 0 AS PAGES, NULL AS FILTER_CONDITION FROM INFORMATION_SCHEMA.STATISTICS WHERE TABLE_SCHEMA = 'gui' AND TABLE_NAME = 'customers' ORDER BY NON_UNIQUE, INDEX_NAME, SEQ_IN_INDEX;
SELECT A.REFERENCED_TABLE_SCHEMA AS PKTABLE_CAT, NULL AS PKTABLE_SCHEM, A.REFERENCED_TABLE_NAME AS PKTABLE_NAME, A.REFERENCED_COLUMN_NAME AS PKCOLUMN_NAME, A.TABLE_SCHEMA AS FKTABLE_CAT, NULL AS FKTABLE_SCHEM, A.TABLE_NAME AS FKTABLE_NAME, A.COLUMN_NAME AS FKCOLUMN_NAME, A.ORDINAL_POSITION AS KEY_SEQ, CASE WHEN R.UPDATE_RULE = 'CASCADE' THEN 0 WHEN R.UPDATE_RULE = 'SET NULL' THEN 2 WHEN R.UPDATE_RULE = 'SET DEFAULT' THEN 4 WHEN R.UPDATE_RULE = 'RESTRICT' THEN 1 WHEN R.UPDATE_RULE = 'NO ACTION' THEN 3 ELSE 3 END AS UPDATE_RULE, CASE WHEN R.DELETE_RULE = 'CASCADE' THEN 0 WHEN R.DELETE_RULE = 'SET NULL' THEN 2 WHEN R.DELETE_RULE = 'SET DEFAULT' THEN 4 WHEN R.DELETE_RULE = 'RESTRICT' THEN 1 WHEN R.DELETE_RULE = 'NO ACTION' THEN 3 ELSE 3 END AS DELETE_RULE, A.CONSTRAINT_NAME AS FK_NAME, R.UNIQUE_CONSTRAINT_NAME AS PK_NAME, 7 AS DEFERRABILITY FROM INFORMATION_SCHEMA.KEY_COLUMN_USAGE A JOIN INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS R ON (R.CONSTRAINT_NAME = A.CONSTRAINT_NAME AND R.TABLE_NAME = A.TABLE_NAME AND R.CONSTRAINT_SCHEMA = A.TABLE_SCHEMA) WHERE R.TABLE_NAME = 'orders' AND A.TABLE_SCHEMA = 'gui' AND A.REFERENCED_TABLE_SCHEMA IS NOT NULL ORDER BY A.REFERENCED_TABLE_SCHEMA, A.REFERENCED_TABLE_NAME, A.ORDINAL_POSITION;
SELECT TABLE_SCHEMA AS TABLE_CAT, NULL AS TABLE_SCHEM, TABLE_NAME, COLUMN_NAME, SEQ_IN_INDEX AS KEY_SEQ, 'PRIMARY' AS PK_NAME FROM INFORMATION_SCHEMA.STATISTICS WHERE TABLE_SCHEMA = 'gui' AND TABLE_NAME = 'orders' AND INDEX_NAME = 'PRIMARY' ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX;
SELECT ROUTINE_SCHEMA AS PROCEDURE_CAT, NULL AS PROCEDURE_SCHEM, ROUTINE_NAME AS PROCEDURE_NAME, NULL AS RESERVED_1, NULL AS RESERVED_2, NULL AS RESERVED_3, ROUTINE_COMMENT AS REMARKS, CASE WHEN ROUTINE_TYPE = 'PROCEDURE' THEN 1 WHEN ROUTINE_TYPE = 'FUNCTION' THEN 2 ELSE 0 END AS PROCEDURE_TYPE, ROUTINE_NAME AS SPECIFIC_NAME FROM INFORMATION_SCHEMA.ROUTINES WHERE ROUTINE_SCHEMA = 'gui' AND ROUTINE_NAME LIKE '%' ORDER BY ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE;
SELECT SPECIFIC_SCHEMA, SPECIFIC_NAME, PARAMETER_NAME, PARAMETER_MODE, ORDINAL_POSITION, DATA_TYPE, DTD_IDENTIFIER FROM INFORMATION_SCHEMA.PARAMETERS WHERE SPECIFIC_SCHEMA = 'gui' ORDER BY SPECIFIC_SCHEMA, SPECIFIC_NAME, ORDINAL_POSITION;
SELECT CURRENT_USER();
SELECT USER();
SELECT CONNECTION_ID();

-- @tool DataGrip introspector
SELECT schema_name, default_character_set_name, default_collation_name FROM information_schema.schemata;
SELECT table_name, table_type, table_comment, engine, table_collation, create_options, auto_increment, create_time, update_time FROM information_schema.tables WHERE table_schema = 'gui';
SELECT table_name, column_name, ordinal_position, column_default, is_nullable, column_type, character_set_name, collation_name, column_key, extra, column_comment, generation_expression FROM information_schema.columns WHERE table_schema = 'gui' ORDER BY table_name, ordinal_position;
SELECT table_name, index_name, non_unique, seq_in_index, column_name, collation, sub_part, index_type, index_comment FROM information_schema.statistics WHERE table_schema = 'gui' ORDER BY table_name, index_name, seq_in_index;
SELECT constraint_name, table_name, constraint_type FROM information_schema.table_constraints WHERE table_schema = 'gui';
SELECT constraint_name, table_name, column_name, ordinal_position, position_in_unique_constraint, referenced_table_schema, referenced_table_name, referenced_column_name FROM information_schema.key_column_usage WHERE table_schema = 'gui' ORDER BY constraint_name, ordinal_position;
SELECT constraint_name, unique_constraint_schema, unique_constraint_name, match_option, update_rule, delete_rule, table_name, referenced_table_name FROM information_schema.referential_constraints WHERE constraint_schema = 'gui';
SELECT constraint_schema, constraint_name, check_clause FROM information_schema.check_constraints WHERE constraint_schema = 'gui';
SELECT table_name, view_definition, check_option, is_updatable, definer, security_type FROM information_schema.views WHERE table_schema = 'gui';
SELECT routine_name, routine_type, data_type, dtd_identifier, routine_body, routine_definition, is_deterministic, sql_data_access, security_type, definer, created, last_altered, sql_mode, routine_comment FROM information_schema.routines WHERE routine_schema = 'gui';
SELECT trigger_name, event_manipulation, event_object_table, action_timing, action_statement, definer, created FROM information_schema.triggers WHERE trigger_schema = 'gui';
SELECT event_name, event_definition, event_type, execute_at, interval_value, interval_field, status FROM information_schema.events WHERE event_schema = 'gui';
SELECT character_set_name, default_collate_name, maxlen FROM information_schema.character_sets;
SELECT collation_name, character_set_name, id, is_default FROM information_schema.collations;
SELECT grantee, privilege_type, is_grantable FROM information_schema.user_privileges;
SELECT user, host FROM mysql.user;
SHOW CREATE VIEW `gui`.`big_orders`;
SHOW CREATE PROCEDURE `gui`.`order_count`;

-- @tool DBeaver
SHOW ENGINES;
SHOW CHARSET;
SHOW COLLATION;
SHOW PLUGINS;
SHOW VARIABLES LIKE 'lower_case_table_names';
SHOW VARIABLES LIKE 'sql_mode';
SELECT @@GLOBAL.lower_case_table_names;
SELECT DATABASE();
SELECT * FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME;
SHOW FULL TABLES FROM `gui`;
SHOW TABLE STATUS FROM `gui`;
SHOW TABLE STATUS FROM `gui` LIKE 'customers';
SELECT * FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='gui' AND TABLE_NAME='orders' ORDER BY ORDINAL_POSITION;
SELECT * FROM information_schema.STATISTICS WHERE TABLE_SCHEMA='gui' AND TABLE_NAME='customers' ORDER BY INDEX_NAME,SEQ_IN_INDEX;
SELECT kc.CONSTRAINT_NAME,kc.TABLE_NAME,kc.COLUMN_NAME,kc.ORDINAL_POSITION FROM information_schema.KEY_COLUMN_USAGE kc WHERE kc.TABLE_SCHEMA='gui' AND kc.REFERENCED_TABLE_NAME IS NULL AND kc.TABLE_NAME='customers' ORDER BY kc.CONSTRAINT_NAME,kc.ORDINAL_POSITION;
SELECT kc.CONSTRAINT_NAME,kc.TABLE_NAME,kc.COLUMN_NAME,kc.ORDINAL_POSITION,kc.REFERENCED_TABLE_SCHEMA,kc.REFERENCED_TABLE_NAME,kc.REFERENCED_COLUMN_NAME,rc.UPDATE_RULE,rc.DELETE_RULE FROM information_schema.KEY_COLUMN_USAGE kc JOIN information_schema.REFERENTIAL_CONSTRAINTS rc ON rc.CONSTRAINT_SCHEMA=kc.TABLE_SCHEMA AND rc.TABLE_NAME=kc.TABLE_NAME AND rc.CONSTRAINT_NAME=kc.CONSTRAINT_NAME WHERE kc.TABLE_SCHEMA='gui' AND kc.REFERENCED_TABLE_NAME IS NOT NULL ORDER BY kc.CONSTRAINT_NAME,kc.ORDINAL_POSITION;
SELECT tc.CONSTRAINT_NAME,tc.TABLE_NAME,tc.CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS tc WHERE tc.TABLE_SCHEMA='gui' AND tc.CONSTRAINT_TYPE='CHECK';
SELECT cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE, tc.TABLE_NAME FROM information_schema.CHECK_CONSTRAINTS cc, information_schema.TABLE_CONSTRAINTS tc WHERE cc.CONSTRAINT_SCHEMA = 'gui' AND tc.TABLE_NAME = 'orders' AND tc.CONSTRAINT_TYPE = 'CHECK' AND tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME;
SELECT * FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA='gui' ORDER BY ROUTINE_NAME;
SELECT * FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA='gui';
SELECT * FROM information_schema.EVENTS WHERE EVENT_SCHEMA='gui';
SELECT * FROM information_schema.VIEWS WHERE TABLE_SCHEMA='gui';
SELECT * FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA='gui' AND TABLE_NAME='orders' ORDER BY PARTITION_ORDINAL_POSITION,SUBPARTITION_ORDINAL_POSITION;
SHOW FULL PROCESSLIST;
SHOW STATUS;
SHOW GLOBAL STATUS;
SHOW GRANTS FOR CURRENT_USER;
SELECT * FROM mysql.user ORDER BY user;

-- @tool MySQL Workbench
SET @@SESSION.autocommit = 1;
SET NAMES 'utf8mb4';
SET CHARACTER SET utf8mb4;
SELECT current_user();
SET SQL_SAFE_UPDATES=1;
SELECT CONNECTION_ID();
SHOW SESSION VARIABLES LIKE 'lower_case_table_names';
SHOW SESSION STATUS LIKE 'Ssl_cipher';
SHOW SESSION VARIABLES LIKE 'sql_mode';
SHOW SESSION VARIABLES LIKE 'version_comment';
SHOW SESSION VARIABLES LIKE 'version';
SHOW SESSION VARIABLES LIKE 'version_compile_os';
SELECT @@version_compile_os, @@version_compile_machine;
SHOW DATABASES;
SHOW FULL TABLES FROM `gui`;
SHOW FULL TABLES FROM `gui` WHERE Table_type = 'BASE TABLE';
SHOW FULL TABLES FROM `gui` WHERE Table_type = 'VIEW';
SHOW FULL TABLES WHERE Table_type != 'VIEW' AND Tables_in_gui LIKE 'cust%';
SHOW COLUMNS FROM `gui`.`customers`;
SHOW FULL COLUMNS FROM `gui`.`orders`;
SHOW INDEX FROM `gui`.`customers`;
SHOW PROCEDURE STATUS WHERE Db='gui';
SHOW FUNCTION STATUS WHERE Db='gui';
SHOW TRIGGERS FROM `gui`;
SHOW EVENTS FROM `gui`;
SELECT * FROM information_schema.routines WHERE routine_schema = 'gui';
SHOW GLOBAL VARIABLES;
SHOW VARIABLES;
SHOW GLOBAL STATUS LIKE 'Uptime';
SHOW ENGINES;
SHOW PLUGINS;
SHOW CHARACTER SET;
SELECT @@sql_mode;
SELECT @@max_allowed_packet;
SELECT @@default_storage_engine;
SELECT @@autocommit;

-- @tool TablePlus
SELECT VERSION();
SHOW VARIABLES LIKE 'version%';
SHOW DATABASES;
SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'gui' ORDER BY TABLE_NAME;
SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'gui';
SELECT ordinal_position, column_name, column_type, column_default, is_nullable, column_key, extra, column_comment, character_set_name, collation_name, privileges FROM information_schema.columns WHERE table_schema = 'gui' AND table_name = 'orders' ORDER BY ordinal_position;
SHOW INDEXES FROM `customers`;
SELECT k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE FROM information_schema.KEY_COLUMN_USAGE k LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA WHERE k.TABLE_SCHEMA = 'gui' AND k.TABLE_NAME = 'orders' AND k.REFERENCED_TABLE_NAME IS NOT NULL;
SHOW TABLE STATUS WHERE Name = 'orders';
SHOW FULL PROCESSLIST;
SELECT * FROM `gui`.`orders` LIMIT 300 OFFSET 0;
SELECT COUNT(*) FROM `gui`.`orders`;
