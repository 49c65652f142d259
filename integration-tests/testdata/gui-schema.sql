CREATE TABLE customers (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(64) NOT NULL COMMENT 'display name', email VARCHAR(128), created DATETIME DEFAULT CURRENT_TIMESTAMP, UNIQUE KEY uq_email (email), KEY idx_name (name)) COMMENT 'people who order';
CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(10,2), note TEXT, status ENUM('new','paid','shipped') DEFAULT 'new', CONSTRAINT fk_cust FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE, CONSTRAINT chk_total CHECK (total >= 0));
INSERT INTO customers (name, email) VALUES ('Ada', 'ada@example.org'), ('Grace', NULL);
INSERT INTO orders VALUES (1, 1, 9.99, 'first', 'paid'), (2, 2, 100.50, NULL, 'new');
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 50;
CREATE PROCEDURE order_count(IN cid INT, OUT n INT) SELECT COUNT(*) INTO n FROM orders WHERE customer_id = cid;
CREATE TRIGGER orders_note BEFORE INSERT ON orders FOR EACH ROW SET NEW.note = COALESCE(NEW.note, '');
