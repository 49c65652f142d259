package backend

import (
	"errors"
	"regexp"
	"strings"
	"sync"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer/analyzererrors"
	"github.com/dolthub/go-mysql-server/sql/planbuilder"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/mysql"
)

// MySQL error codes for GMS errors.
//
// GMS's wire handler turns every error into a *mysql.SQLError with sql.CastSQLError,
// which knows the codes of some GMS error kinds but sends the rest as ER_UNKNOWN_ERROR
// (1105), and sends every code with SQLSTATE HY000; the errors of GMS's own execution (a
// value out of range, a CHECK constraint, a privilege check) never pass through dsql code
// on the way. MySQLError is the one place that gives such errors MySQL's code and
// SQLSTATE: the server applies it to what the handler returns, and anything that holds
// the original error value can too.
//
// The table below is by GMS error kind. An error value is matched with the kind's Is (at
// every level of its wrapping); a *mysql.SQLError GMS's handler made of one no longer
// holds the value, only its message, so it is matched against the messages the kind's
// format makes (fmtVerb). Only a syntax error (sql.ErrSyntaxError is "%s") and a bad JSON
// path have no kind of their own: they are known by their messages (byMessage).

// mysqlCode is a GMS error kind CastSQLError sends as 1105 and MySQL's code for it.
type mysqlCode struct {
	is     func(error) bool // the kind's Is
	format string           // the kind's message format
	code   int
	state  string
	re     *regexp.Regexp // matches the messages format makes (compiled lazily; nil: too generic)
}

// mysqlCodes: kinds that wrap another (sql.ErrIncompatibleDefaultType) come before the
// kinds they wrap, as the first match wins.
var mysqlCodes = []*mysqlCode{
	// ER_CHECK_CONSTRAINT_VIOLATED
	{is: sql.ErrCheckConstraintViolated.Is, format: sql.ErrCheckConstraintViolated.Message, code: 3819, state: "HY000"},
	// ER_TABLEACCESS_DENIED_ERROR
	{is: sql.ErrPrivilegeCheckFailed.Is, format: sql.ErrPrivilegeCheckFailed.Message, code: 1142, state: "42000"},
	{is: sql.ErrTableAccessDeniedForUser.Is, format: sql.ErrTableAccessDeniedForUser.Message, code: 1142, state: "42000"},
	// ER_DBACCESS_DENIED_ERROR
	{is: sql.ErrDatabaseAccessDeniedForUser.Is, format: sql.ErrDatabaseAccessDeniedForUser.Message, code: 1044, state: "42000"},
	// ER_TABLE_EXISTS_ERROR
	{is: sql.ErrTableAlreadyExists.Is, format: sql.ErrTableAlreadyExists.Message, code: mysql.ERTableExists, state: "42S01"},
	{is: sql.ErrExistingView.Is, format: sql.ErrExistingView.Message, code: mysql.ERTableExists, state: "42S01"},
	// ER_OPTION_PREVENTS_STATEMENT (the server runs read-only)
	{is: sql.ErrReadOnly.Is, format: sql.ErrReadOnly.Message, code: 1290, state: "HY000"},
	// ER_NO_REFERENCED_ROW_2: a foreign key created with foreign_key_checks=0 whose
	// existing child rows lack a parent when it is first used (foreignkey.go)
	{is: sql.ErrForeignKeyNotResolved.Is, format: sql.ErrForeignKeyNotResolved.Message, code: mysql.ErNoReferencedRow2, state: "23000"},
	// ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: a string the column's character set cannot hold
	// (invalid UTF-8, or a character above U+FFFF for utf8mb3: typeconv.ColumnError)
	{is: types.ErrBadCharsetString.Is, format: types.ErrBadCharsetString.Message, code: mysql.ERTruncatedWrongValueForField, state: "HY000"},

	// ER_INVALID_DEFAULT (wraps the conversion error of the default value)
	{is: sql.ErrIncompatibleDefaultType.Is, format: sql.ErrIncompatibleDefaultType.Message, code: mysql.ERInvalidDefault, state: "42000"},
	{is: sql.ErrInvalidColumnDefaultValue.Is, format: sql.ErrInvalidColumnDefaultValue.Message, code: mysql.ERInvalidDefault, state: "42000"},

	// ER_WARN_DATA_OUT_OF_RANGE: a number the column's type cannot hold (strict mode)
	{is: sql.ErrValueOutOfRange.Is, format: sql.ErrValueOutOfRange.Message, code: mysql.ERWarnDataOutOfRange, state: "22003"},
	{is: types.ErrConvertToDecimalLimit.Is, format: types.ErrConvertToDecimalLimit.Message, code: mysql.ERWarnDataOutOfRange, state: "22003"},
	// ER_DATA_TOO_LONG
	{is: types.ErrLengthBeyondLimit.Is, format: types.ErrLengthBeyondLimit.Message, code: mysql.ERDataTooLong, state: "22001"},
	// ER_TRUNCATED_WRONG_VALUE: a string that is no date, datetime or time
	{is: types.ErrConvertingToTime.Is, format: types.ErrConvertingToTime.Message, code: mysql.ERTruncatedWrongValue, state: "22007"},
	{is: types.ErrConvertingToTimeType.Is, format: types.ErrConvertingToTimeType.Message, code: mysql.ERTruncatedWrongValue, state: "22007"},
	{is: sql.ErrTruncatedIncorrect.Is, format: sql.ErrTruncatedIncorrect.Message, code: mysql.ERTruncatedWrongValue, state: "22007"},
	// WARN_DATA_TRUNCATED: an ENUM or SET value not in the column's list
	{is: types.ErrDataTruncatedForColumnAtRow.Is, format: types.ErrDataTruncatedForColumnAtRow.Message, code: mysql.ERWarnDataTruncated, state: "01000"},
	{is: types.ErrDataTruncatedForColumn.Is, format: types.ErrDataTruncatedForColumn.Message, code: mysql.ERWarnDataTruncated, state: "01000"},
	{is: types.ErrConvertingToEnum.Is, format: types.ErrConvertingToEnum.Message, code: mysql.ERWarnDataTruncated, state: "01000"},
	{is: sql.ErrInvalidSetValue.Is, format: sql.ErrInvalidSetValue.Message, code: mysql.ERWarnDataTruncated, state: "01000"},
	{is: sql.ErrConvertingToSet.Is, format: sql.ErrConvertingToSet.Message, code: mysql.ERWarnDataTruncated, state: "01000"},
	// ER_INVALID_JSON_TEXT: a JSON column's value (a function's argument is
	// ER_INVALID_JSON_TEXT_IN_PARAM, sql.ErrInvalidJSONText, which GMS codes itself)
	{is: sql.ErrInvalidJson.Is, format: sql.ErrInvalidJson.Message, code: mysql.ERInvalidJSONText, state: "22032"},
	// ER_NO_DEFAULT_FOR_FIELD
	{is: sql.ErrInsertIntoNonNullableDefaultNullColumn.Is, format: sql.ErrInsertIntoNonNullableDefaultNullColumn.Message, code: mysql.ERNoDefaultForField, state: "HY000"},
	// ER_WRONG_VALUE_COUNT_ON_ROW
	{is: sql.ErrInsertIntoMismatchValueCount.Is, format: sql.ErrInsertIntoMismatchValueCount.Message, code: mysql.ERWrongValueCountOnRow, state: "21S01"},
	{is: sql.ErrColValCountMismatch.Is, format: sql.ErrColValCountMismatch.Message, code: mysql.ERWrongValueCountOnRow, state: "21S01"},
	// ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT (UNION)
	{is: sql.ErrColumnNumberDoesNotMatch.Is, format: sql.ErrColumnNumberDoesNotMatch.Message, code: 1222, state: "21000"},
	{is: planbuilder.ErrSelectsDifferentLength.Is, format: planbuilder.ErrSelectsDifferentLength.Message, code: 1222, state: "21000"},
	// ER_TABLENAME_NOT_ALLOWED_HERE (ORDER BY t.c after a UNION)
	{is: planbuilder.ErrQualifiedOrderBy.Is, format: planbuilder.ErrQualifiedOrderBy.Message, code: 1250, state: "42000"},
	// ER_WRONG_FIELD_WITH_GROUP (only_full_group_by)
	{is: analyzererrors.ErrValidationGroupBy.Is, format: analyzererrors.ErrValidationGroupBy.Message, code: mysql.ERWrongFieldWithGroup, state: "42000"},
	{is: analyzererrors.ErrValidationGroupByOrderBy.Is, format: analyzererrors.ErrValidationGroupByOrderBy.Message, code: mysql.ERWrongFieldWithGroup, state: "42000"},
	// ER_TOO_MANY_ROWS (SELECT ... INTO)
	{is: sql.ErrMoreThanOneRow.Is, format: sql.ErrMoreThanOneRow.Message, code: 1172, state: "42000"},

	// ER_BAD_FIELD_ERROR (ALTER TABLE ... DROP COLUMN of a missing column is
	// ER_CANT_DROP_FIELD_OR_KEY in MySQL, but GMS reports it with the same kind)
	{is: sql.ErrColumnNotFound.Is, format: sql.ErrColumnNotFound.Message, code: mysql.ERBadFieldError, state: "42S22"},
	{is: sql.ErrTableColumnNotFound.Is, format: sql.ErrTableColumnNotFound.Message, code: mysql.ERBadFieldError, state: "42S22"},
	// ER_NON_UNIQ_ERROR
	{is: sql.ErrAmbiguousColumnName.Is, format: sql.ErrAmbiguousColumnName.Message, code: mysql.ERNonUniq, state: "23000"},
	{is: sql.ErrAmbiguousColumnOrAliasName.Is, format: sql.ErrAmbiguousColumnOrAliasName.Message, code: mysql.ERNonUniq, state: "23000"},
	{is: sql.ErrAmbiguousColumnInOrderBy.Is, format: sql.ErrAmbiguousColumnInOrderBy.Message, code: mysql.ERNonUniq, state: "23000"},
	// ER_NONUNIQ_TABLE
	{is: sql.ErrDuplicateAliasOrTable.Is, format: sql.ErrDuplicateAliasOrTable.Message, code: mysql.ERNonUniqTable, state: "42000"},
	// ER_BAD_TABLE_ERROR
	{is: sql.ErrUnknownTable.Is, format: sql.ErrUnknownTable.Message, code: mysql.ERBadTable, state: "42S02"},
	// ER_SP_DOES_NOT_EXIST: functions, procedures, savepoints
	{is: sql.ErrFunctionNotFound.Is, format: sql.ErrFunctionNotFound.Message, code: mysql.ERSPDoesNotExist, state: "42000"},
	{is: sql.ErrStoredProcedureDoesNotExist.Is, format: sql.ErrStoredProcedureDoesNotExist.Message, code: mysql.ERSPDoesNotExist, state: "42000"},
	{is: sql.ErrSavepointDoesNotExist.Is, format: sql.ErrSavepointDoesNotExist.Message, code: mysql.ERSPDoesNotExist, state: "42000"},
	// ER_SP_ALREADY_EXISTS
	{is: sql.ErrStoredProcedureAlreadyExists.Is, format: sql.ErrStoredProcedureAlreadyExists.Message, code: 1304, state: "42000"},
	// ER_SP_WRONG_NO_OF_ARGS
	{is: sql.ErrCallIncorrectParameterCount.Is, format: sql.ErrCallIncorrectParameterCount.Message, code: 1318, state: "42000"},
	// ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT
	{is: sql.ErrInvalidArgumentNumber.Is, format: sql.ErrInvalidArgumentNumber.Message, code: 1582, state: "42000"},
	// ER_TRG_DOES_NOT_EXIST
	{is: sql.ErrTriggerDoesNotExist.Is, format: sql.ErrTriggerDoesNotExist.Message, code: 1360, state: "HY000"},
	// ER_UNKNOWN_SYSTEM_VARIABLE, ER_WRONG_VALUE_FOR_VAR, ER_INCORRECT_GLOBAL_LOCAL_VAR,
	// ER_GLOBAL_VARIABLE / ER_LOCAL_VARIABLE
	{is: sql.ErrUnknownSystemVariable.Is, format: sql.ErrUnknownSystemVariable.Message, code: mysql.ERUnknownSystemVariable, state: "HY000"},
	{is: sql.ErrInvalidSystemVariableValue.Is, format: sql.ErrInvalidSystemVariableValue.Message, code: 1231, state: "42000"},
	{is: sql.ErrSystemVariableReadOnly.Is, format: sql.ErrSystemVariableReadOnly.Message, code: 1238, state: "HY000"},
	{is: sql.ErrSystemVariableSessionOnly.Is, format: sql.ErrSystemVariableSessionOnly.Message, code: 1228, state: "HY000"},
	{is: sql.ErrSystemVariableGlobalOnly.Is, format: sql.ErrSystemVariableGlobalOnly.Message, code: 1229, state: "HY000"},
	// ER_UNKNOWN_TIME_ZONE
	{is: sql.ErrInvalidTimeZone.Is, format: sql.ErrInvalidTimeZone.Message, code: 1298, state: "HY000"},
	// ER_UNKNOWN_COLLATION, ER_UNKNOWN_CHARACTER_SET, ER_COLLATION_CHARSET_MISMATCH,
	// ER_CANT_AGGREGATE_2COLLATIONS
	{is: sql.ErrCollationUnknown.Is, format: sql.ErrCollationUnknown.Message, code: 1273, state: "HY000"},
	{is: sql.ErrCharSetUnknown.Is, format: sql.ErrCharSetUnknown.Message, code: 1115, state: "42000"},
	{is: sql.ErrCollationInvalidForCharSet.Is, format: sql.ErrCollationInvalidForCharSet.Message, code: 1253, state: "42000"},
	{is: sql.ErrCollationIllegalMix.Is, format: sql.ErrCollationIllegalMix.Message, code: 1267, state: "HY000"},

	// ER_DUP_FIELDNAME, ER_DUP_KEYNAME
	{is: sql.ErrDuplicateColumn.Is, format: sql.ErrDuplicateColumn.Message, code: mysql.ERDupFieldName, state: "42S21"},
	{is: sql.ErrColumnExists.Is, format: sql.ErrColumnExists.Message, code: mysql.ERDupFieldName, state: "42S21"},
	{is: sql.ErrDuplicateKey.Is, format: sql.ErrDuplicateKey.Message, code: mysql.ERDupKeyName, state: "42000"},
	// ER_PRIMARY_CANT_HAVE_NULL
	{is: planbuilder.ErrPrimaryKeyOnNullField.Is, format: planbuilder.ErrPrimaryKeyOnNullField.Message, code: 1171, state: "42000"},
	// ER_TOO_LONG_IDENT
	{is: sql.ErrIdentifierIsTooLong.Is, format: sql.ErrIdentifierIsTooLong.Message, code: 1059, state: "42000"},
	// ER_KEY_COLUMN_DOES_NOT_EXITS (an index over a missing column)
	{is: sql.ErrUnknownIndexColumn.Is, format: sql.ErrUnknownIndexColumn.Message, code: mysql.ERKeyColumnDoesNotExist, state: "42000"},
	// ER_TOO_MANY_KEY_PARTS
	{is: sql.ErrTooManyKeyParts.Is, format: sql.ErrTooManyKeyParts.Message, code: 1070, state: "42000"},
	// ER_WRONG_FIELD_SPEC
	{is: sql.ErrInvalidColumnSpecifier.Is, format: sql.ErrInvalidColumnSpecifier.Message, code: 1063, state: "42000"},
	// ER_WRONG_AUTO_KEY
	{is: sql.ErrInvalidAutoIncCols.Is, format: sql.ErrInvalidAutoIncCols.Message, code: mysql.ERWrongAutoKey, state: "42000"},
	// ER_INVALID_ON_UPDATE
	{is: sql.ErrInvalidOnUpdate.Is, format: sql.ErrInvalidOnUpdate.Message, code: 1294, state: "HY000"},
	// ER_CONSTRAINT_NOT_FOUND, ER_CHECK_CONSTRAINT_DUP_NAME
	{is: sql.ErrUnknownConstraint.Is, format: sql.ErrUnknownConstraint.Message, code: 3940, state: "HY000"},
	{is: sql.ErrDuplicateCheckName.Is, format: sql.ErrDuplicateCheckName.Message, code: 3822, state: "HY000"},
	// foreign key DDL: ER_FK_CANNOT_DROP_PARENT, ER_FK_DUP_NAME, ER_FK_COLUMN_CANNOT_DROP,
	// ER_TRUNCATE_ILLEGAL_FK, ER_FK_NO_INDEX_PARENT, ER_FK_INCOMPATIBLE_COLUMNS
	{is: sql.ErrForeignKeyDropTable.Is, format: sql.ErrForeignKeyDropTable.Message, code: 3730, state: "HY000"},
	{is: sql.ErrForeignKeyDuplicateName.Is, format: sql.ErrForeignKeyDuplicateName.Message, code: 1826, state: "HY000"},
	{is: sql.ErrForeignKeyDropColumn.Is, format: sql.ErrForeignKeyDropColumn.Message, code: 1828, state: "HY000"},
	{is: sql.ErrTruncateReferencedFromForeignKey.Is, format: sql.ErrTruncateReferencedFromForeignKey.Message, code: 1701, state: "42000"},
	{is: sql.ErrForeignKeyMissingReferenceIndex.Is, format: sql.ErrForeignKeyMissingReferenceIndex.Message, code: 1822, state: "HY000"},
	{is: sql.ErrForeignKeyColumnTypeMismatch.Is, format: sql.ErrForeignKeyColumnTypeMismatch.Message, code: 3780, state: "HY000"},
	// ER_NO_DB_ERROR
	{is: sql.ErrNoDatabaseSelected.Is, format: sql.ErrNoDatabaseSelected.Message, code: 1046, state: "3D000"},
	// ER_UNKNOWN_STMT_HANDLER
	{is: sql.ErrUnknownPreparedStatement.Is, format: sql.ErrUnknownPreparedStatement.Message, code: 1243, state: "HY000"},
	// ER_CANNOT_USER
	{is: sql.ErrUserCreationFailure.Is, format: sql.ErrUserCreationFailure.Message, code: 1396, state: "HY000"},
	{is: sql.ErrUserAlterFailure.Is, format: sql.ErrUserAlterFailure.Message, code: 1396, state: "HY000"},
	{is: sql.ErrUserDeletionFailure.Is, format: sql.ErrUserDeletionFailure.Message, code: 1396, state: "HY000"},
	// ER_PARSE_ERROR (by Is only: the kind's format is "%s"; see byMessage)
	{is: sql.ErrSyntaxError.Is, format: sql.ErrSyntaxError.Message, code: mysql.ERParseError, state: "42000"},
}

// byMessage is for errors GMS makes without a kind of their own, known by their message:
// vitess's parser errors (sqlparser's Tokenizer: "syntax error at position N near 'x'"),
// which GMS sends as 1105 in sql.ErrSyntaxError, a kind whose format ("%s") says nothing,
// the JSON path errors of GMS's types package (fmt.Errorf), and a statement interrupted
// by KILL QUERY (context.Canceled).
var byMessage = []struct {
	re    *regexp.Regexp
	code  int
	state string
}{
	// ER_PARSE_ERROR
	{regexp.MustCompile(`^syntax error\b.* at position \d+`), mysql.ERParseError, "42000"},
	// ER_INVALID_JSON_PATH
	{regexp.MustCompile(`(?:^|: |; )Invalid JSON path expression\. `), 3143, "42000"},
	// ER_QUERY_INTERRUPTED: KILL QUERY (or the client's cancel) ended the statement, which
	// GMS reports as the Go context's cancellation
	{regexp.MustCompile(`^context canceled$`), 1317, "70100"},
}

// gmsTooLong matches GMS's message for a string too long for a column
// (types.ErrLengthBeyondLimit as its insert iterator and SetField make it, naming the
// column; a conversion outside a column names the type, as 'varchar(3)', and is left).
var gmsTooLong = regexp.MustCompile(`(?s)^(?:.*: )?string '.*' is too large for column '([^'()]+)'$`)

// mysqlText returns msg, the message of an error MySQL sends as code, in MySQL's words
// where GMS words it otherwise: ER_DATA_TOO_LONG is "Data too long for column 'c' at row
// 1" (GMS: "string 'toolong' is too large for column 'c'"), with a hint. GMS raises that
// error for the row it fails in without numbering it; dsql's checks (insertcheck.go,
// assignrange.go) fail a later row of an INSERT, REPLACE or UPDATE themselves, with its
// number, so GMS's is row 1's (but see docs/compatibility.md for LOAD DATA and triggers).
//
// ER_BAD_NULL_ERROR is "Column 'n' cannot be null" (GMS: "column name 'n' is
// non-nullable but attempted to set a value of null"). The other errors about a value
// that does not fit its column need its row, which the message lacks: MySQLErrorFor
// (columntext.go) gives them MySQL's text.
func mysqlText(code int, msg string) string {
	switch code {
	case mysql.ERDataTooLong:
		if m := gmsTooLong.FindStringSubmatch(msg); m != nil {
			return "Data too long for column '" + m[1] + "' at row 1; store a shorter value, or widen the column (ALTER TABLE ... MODIFY)"
		}
	case mysql.ERBadNullError:
		if m := gmsNotNull.FindStringSubmatch(msg); m != nil {
			return "Column '" + m[1] + "' cannot be null; give it a value, or allow NULL (ALTER TABLE ... MODIFY)"
		}
	}
	return msg
}

// gmsNotNull matches GMS's message for a NULL assigned to a NOT NULL column
// (sql.ErrInsertIntoNonNullableProvidedNull).
var gmsNotNull = regexp.MustCompile(`(?s)^(?:.*: )?column name '(.+)' is non-nullable but attempted to set a value of null$`)

// mysqlStates is the SQLSTATE MySQL sends with each error code GMS's sql.CastSQLError
// gives (it sends them all as HY000) and MySQL's does not share.
var mysqlStates = map[uint16]string{
	1044: "42000", // ER_DBACCESS_DENIED_ERROR
	1045: "28000", // ER_ACCESS_DENIED_ERROR
	1046: "3D000", // ER_NO_DB_ERROR
	1048: "23000", // ER_BAD_NULL_ERROR
	1049: "42000", // ER_BAD_DB_ERROR
	1050: "42S01", // ER_TABLE_EXISTS_ERROR
	1051: "42S02", // ER_BAD_TABLE_ERROR
	1052: "23000", // ER_NON_UNIQ_ERROR
	1054: "42S22", // ER_BAD_FIELD_ERROR
	1055: "42000", // ER_WRONG_FIELD_WITH_GROUP
	1060: "42S21", // ER_DUP_FIELDNAME
	1061: "42000", // ER_DUP_KEYNAME
	1062: "23000", // ER_DUP_ENTRY
	1064: "42000", // ER_PARSE_ERROR
	1066: "42000", // ER_NONUNIQ_TABLE
	1067: "42000", // ER_INVALID_DEFAULT
	1068: "42000", // ER_MULTIPLE_PRI_KEY
	1071: "42000", // ER_TOO_LONG_KEY
	1072: "42000", // ER_KEY_COLUMN_DOES_NOT_EXITS
	1075: "42000", // ER_WRONG_AUTO_KEY
	1091: "42000", // ER_CANT_DROP_FIELD_OR_KEY
	1102: "42000", // ER_WRONG_DB_NAME
	1110: "42000", // ER_FIELD_SPECIFIED_TWICE
	1136: "21S01", // ER_WRONG_VALUE_COUNT_ON_ROW
	1140: "42000", // ER_MIX_OF_GROUP_FUNC_AND_FIELDS
	1142: "42000", // ER_TABLEACCESS_DENIED_ERROR
	1146: "42S02", // ER_NO_SUCH_TABLE
	1149: "42000", // ER_SYNTAX_ERROR
	1170: "42000", // ER_BLOB_KEY_WITHOUT_LENGTH
	1213: "40001", // ER_LOCK_DEADLOCK
	1216: "23000", // ER_NO_REFERENCED_ROW
	1217: "23000", // ER_ROW_IS_REFERENCED
	1241: "21000", // ER_OPERAND_COLUMNS
	1242: "21000", // ER_SUBQUERY_NO_1_ROW
	1264: "22003", // ER_WARN_DATA_OUT_OF_RANGE
	1265: "01000", // WARN_DATA_TRUNCATED
	1292: "22007", // ER_TRUNCATED_WRONG_VALUE
	1305: "42000", // ER_SP_DOES_NOT_EXIST
	1365: "22012", // ER_DIVISION_BY_ZERO
	1406: "22001", // ER_DATA_TOO_LONG
	1451: "23000", // ER_ROW_IS_REFERENCED_2
	1452: "23000", // ER_NO_REFERENCED_ROW_2
	1690: "22003", // ER_DATA_OUT_OF_RANGE
	1792: "25006", // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
	3140: "22032", // ER_INVALID_JSON_TEXT
	3141: "22032", // ER_INVALID_JSON_TEXT_IN_PARAM
}

var compileCodes sync.Once

// fmtVerb matches a fmt verb of an error kind's message.
var fmtVerb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)

// minLiteral is how much fixed text a kind's format must have for its messages to be
// recognised by pattern: "%s" or "%s: %v" would match anything.
const minLiteral = 8

// messagePattern turns a kind's fmt message into a regexp matching every message it
// formats (each verb matches anything; a wrapping prefix "...: " and the ": cause" of
// Kind.Wrap are allowed), or nil if the format has too little fixed text to tell.
func messagePattern(format string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^(?:.*: )?`)
	last, literal := 0, 0
	for _, loc := range fmtVerb.FindAllStringIndex(format, -1) {
		lit := strings.ReplaceAll(format[last:loc[0]], "%%", "%")
		literal += len(strings.TrimSpace(lit))
		b.WriteString(regexp.QuoteMeta(lit))
		b.WriteString(`.*`)
		last = loc[1]
	}
	lit := strings.ReplaceAll(format[last:], "%%", "%")
	literal += len(strings.TrimSpace(lit))
	if literal < minLiteral {
		return nil
	}
	b.WriteString(regexp.QuoteMeta(lit))
	b.WriteString(`(?:: .*)?$`)
	return regexp.MustCompile(b.String())
}

// MySQLError returns err as a MySQL client should see it: a GMS error of a kind in the
// table above (or the 1105 *mysql.SQLError GMS's handler made of one) becomes a
// *mysql.SQLError with MySQL's code and SQLSTATE and the same message (in MySQL's words
// where mysqlText knows them); a *mysql.SQLError with a code MySQL sends with another
// SQLSTATE than HY000 gets that SQLSTATE; anything else is returned unchanged (GMS's
// sql.CastSQLError handles it).
func MySQLError(err error) error {
	if err == nil {
		return nil
	}
	var se *mysql.SQLError
	if errors.As(err, &se) {
		if se.Num != mysql.ERUnknownError {
			msg := mysqlText(se.Num, se.Message)
			st, ok := mysqlStates[uint16(se.Num)]
			if !ok || se.State != mysql.SSUnknownSQLState {
				st = se.State
			}
			if msg != se.Message || st != se.State {
				return &mysql.SQLError{Num: se.Num, State: st, Message: msg, Query: se.Query}
			}
			return err
		}
		compileCodes.Do(func() {
			for _, c := range mysqlCodes {
				c.re = messagePattern(c.format)
			}
		})
		for _, c := range mysqlCodes {
			if c.re != nil && c.re.MatchString(se.Message) {
				return mysql.NewSQLError(c.code, c.state, "%s", mysqlText(c.code, se.Message))
			}
		}
		for _, m := range byMessage {
			if m.re.MatchString(se.Message) {
				return mysql.NewSQLError(m.code, m.state, "%s", se.Message)
			}
		}
		return err
	}
	for _, c := range mysqlCodes {
		if isIn(err, c.is) {
			return mysql.NewSQLError(c.code, c.state, "%s", mysqlText(c.code, err.Error()))
		}
	}
	return err
}

// isIn reports whether is holds for err or any error err wraps (errors.Unwrap, and the
// Cause of GMS's insert and type conversion wrappers).
func isIn(err error, is func(error) bool) bool {
	for err != nil {
		if is(err) {
			return true
		}
		switch w := err.(type) {
		case sql.WrappedInsertError:
			err = w.Cause
		case sql.WrappedTypeConversionError:
			err = w.Err
		default:
			err = errors.Unwrap(err)
		}
	}
	return false
}
