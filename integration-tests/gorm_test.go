package integration

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// GORM models: a one-to-many relation (a foreign key), a unique and a plain index, a
// nullable column, a soft-delete column, and GORM's timestamps.
type gormAuthor struct {
	ID        uint   `gorm:"primaryKey"`
	Name      string `gorm:"size:64;not null;uniqueIndex"`
	Email     *string
	Books     []gormBook `gorm:"foreignKey:AuthorID;constraint:OnDelete:CASCADE"`
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt gorm.DeletedAt `gorm:"index"`
}

type gormBook struct {
	ID       uint    `gorm:"primaryKey"`
	Title    string  `gorm:"size:200;not null;index:idx_title"`
	Price    float64 `gorm:"type:decimal(8,2)"`
	AuthorID uint
	Author   gormAuthor
}

// gormBookV2 is gormBook with a column added: a second AutoMigrate must ALTER the table.
type gormBookV2 struct {
	ID        uint    `gorm:"primaryKey"`
	Title     string  `gorm:"size:200;not null;index:idx_title"`
	Price     float64 `gorm:"type:decimal(8,2)"`
	AuthorID  uint
	Pages     int    `gorm:"default:0"`
	ISBN      string `gorm:"size:20;index"`
	Published bool
}

func (gormAuthor) TableName() string { return "authors" }
func (gormBook) TableName() string   { return "books" }
func (gormBookV2) TableName() string { return "books" }

func gormOpen(t *testing.T, s *itServer, dbName string) *gorm.DB {
	t.Helper()
	dsn := fmt.Sprintf("root@tcp(127.0.0.1:%d)/%s?charset=utf8mb4&parseTime=True&loc=UTC", s.port, url.PathEscape(dbName))
	db, err := gorm.Open(mysql.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("gorm.Open(%s): %v", dbName, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sqlDB.Close() })
	return db
}

// TestGORM: AutoMigrate creates tables with keys, indexes and a foreign key, migrates again
// without changes, adds columns and indexes to an existing table; CRUD with associations,
// soft delete, transactions; and a branch chosen by the database name db/branch.
func TestGORM(t *testing.T) {
	dir := itNewRepo(t, "gormdb")
	s := itStart(t, dir)
	db := gormOpen(t, s, "gormdb")

	if err := db.AutoMigrate(&gormAuthor{}, &gormBook{}); err != nil {
		t.Fatalf("AutoMigrate: %v", err)
	}
	m := db.Migrator()
	for _, tbl := range []string{"authors", "books"} {
		if !m.HasTable(tbl) {
			t.Fatalf("HasTable(%s) = false after AutoMigrate", tbl)
		}
	}
	if !m.HasConstraint(&gormAuthor{}, "Books") {
		t.Errorf("no foreign key from books to authors after AutoMigrate")
	}
	if !m.HasIndex(&gormBook{}, "idx_title") || !m.HasIndex(&gormAuthor{}, "idx_authors_name") || !m.HasIndex(&gormAuthor{}, "idx_authors_deleted_at") {
		t.Errorf("indexes missing after AutoMigrate")
	}
	// A second AutoMigrate of the same models changes nothing and must not fail.
	if err := db.AutoMigrate(&gormAuthor{}, &gormBook{}); err != nil {
		t.Fatalf("second AutoMigrate: %v", err)
	}

	// CRUD with an association.
	email := "ursula@example.org"
	a := gormAuthor{Name: "Ursula", Email: &email, Books: []gormBook{{Title: "The Dispossessed", Price: 9.5}, {Title: "Lathe of Heaven", Price: 7.25}}}
	if err := db.Create(&a).Error; err != nil {
		t.Fatalf("Create with association: %v", err)
	}
	if a.ID == 0 || a.Books[0].ID == 0 || a.Books[1].AuthorID != a.ID {
		t.Fatalf("ids not filled in after Create: %+v", a)
	}
	if err := db.Create(&gormAuthor{Name: "Octavia"}).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Create(&gormAuthor{Name: "Ursula"}).Error; err == nil || !strings.Contains(err.Error(), "1062") {
		t.Errorf("duplicate unique name: err = %v, want a duplicate-key error", err)
	}
	var got gormAuthor
	if err := db.Preload("Books", func(q *gorm.DB) *gorm.DB { return q.Order("title") }).Where("name = ?", "Ursula").First(&got).Error; err != nil {
		t.Fatalf("First with Preload: %v", err)
	}
	if len(got.Books) != 2 || got.Books[0].Title != "Lathe of Heaven" || got.Email == nil || *got.Email != email || got.CreatedAt.IsZero() {
		t.Fatalf("read back: %+v", got)
	}
	if err := db.Model(&gormBook{}).Where("title = ?", "Lathe of Heaven").Update("price", 8).Error; err != nil {
		t.Fatal(err)
	}
	var total float64
	if err := db.Model(&gormBook{}).Select("SUM(price)").Scan(&total).Error; err != nil || total != 17.5 {
		t.Fatalf("SUM(price) = %v (%v), want 17.5", total, err)
	}
	// Joins.
	var titles []string
	if err := db.Model(&gormBook{}).Joins("Author").Where("Author.name = ?", "Ursula").Order("books.id").Pluck("title", &titles).Error; err != nil || len(titles) != 2 {
		t.Fatalf("Joins: %v %v", titles, err)
	}
	// Soft delete hides a row from queries but keeps it.
	var octavia gormAuthor
	if err := db.Where("name = ?", "Octavia").First(&octavia).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Delete(&octavia).Error; err != nil {
		t.Fatal(err)
	}
	var n, all int64
	db.Model(&gormAuthor{}).Count(&n)
	db.Unscoped().Model(&gormAuthor{}).Count(&all)
	if n != 1 || all != 2 {
		t.Fatalf("after soft delete: count %d, unscoped %d; want 1, 2", n, all)
	}
	// A transaction that fails rolls back.
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&gormBook{Title: "Kindred", Price: 12, AuthorID: octavia.ID}).Error; err != nil {
			return err
		}
		return errors.New("abort")
	})
	if err == nil || err.Error() != "abort" {
		t.Fatalf("transaction: %v", err)
	}
	var kindred int64
	db.Model(&gormBook{}).Where("title = ?", "Kindred").Count(&kindred)
	if kindred != 0 {
		t.Fatalf("rolled-back insert is visible")
	}
	// The foreign key is enforced.
	if err := db.Create(&gormBook{Title: "Orphan", AuthorID: 999}).Error; err == nil {
		t.Errorf("insert with a dangling author_id succeeded; the foreign key is not enforced")
	}

	// AutoMigrate of a changed model adds the columns and the index.
	if err := db.AutoMigrate(&gormBookV2{}); err != nil {
		t.Fatalf("AutoMigrate adding columns: %v", err)
	}
	for _, col := range []string{"pages", "isbn", "published"} {
		if !m.HasColumn(&gormBookV2{}, col) {
			t.Errorf("column %s missing after AutoMigrate of the new model", col)
		}
	}
	if !m.HasIndex(&gormBookV2{}, "idx_books_isbn") {
		t.Errorf("index idx_books_isbn missing after AutoMigrate of the new model")
	}
	var pages []int
	if err := db.Model(&gormBookV2{}).Order("id").Pluck("pages", &pages).Error; err != nil || fmt.Sprint(pages) != "[0 0]" {
		t.Fatalf("new column's default on old rows: %v %v", pages, err)
	}
	// Migrator introspection (information_schema through GORM).
	cols, err := m.ColumnTypes(&gormBookV2{})
	if err != nil {
		t.Fatalf("ColumnTypes: %v", err)
	}
	var names []string
	for _, c := range cols {
		names = append(names, c.Name())
	}
	if strings.Join(names, ",") != "id,title,price,author_id,pages,isbn,published" {
		t.Errorf("ColumnTypes: %v", names)
	}
	if tables, err := m.GetTables(); err != nil || strings.Join(tables, ",") != "authors,books" {
		t.Errorf("GetTables = %v (%v), want [authors books]", tables, err)
	}

	// A branch through the database name: commit main, branch, write on the branch with
	// GORM, and main does not see it.
	sqlDB, _ := db.DB()
	itExec(t, sqlDB, "CALL dsql_commit('-Am', 'gorm schema and data')", "CALL dsql_branch('feature')")
	fdb := gormOpen(t, s, "gormdb/feature")
	if err := fdb.Create(&gormAuthor{Name: "Branch-only"}).Error; err != nil {
		t.Fatalf("Create on gormdb/feature: %v", err)
	}
	if err := fdb.AutoMigrate(&gormAuthor{}, &gormBookV2{}); err != nil {
		// GORM asks information_schema for table_schema = DATABASE(), which is
		// "gormdb/feature" here.
		t.Errorf("AutoMigrate on gormdb/feature: %v", err)
	}
	var onBranch, onMain int64
	fdb.Model(&gormAuthor{}).Count(&onBranch)
	db.Model(&gormAuthor{}).Count(&onMain)
	if onBranch != 2 || onMain != 1 {
		t.Fatalf("authors: %d on feature, %d on main; want 2, 1", onBranch, onMain)
	}
	s.stop()
}
