#!/bin/sh
# Import filmrev's WordPress export into a real, localhost-only WordPress and back (issue 12).
# Not part of .ci/run: it needs root and the Debian packages
#   apt-get install -y wordpress php-cli php-mysql php-xml mariadb-server
# a running MariaDB (socket only, e.g. mysqld --user=mysql --skip-networking &), and the
# wordpress-importer plugin (github.com/WordPress/wordpress-importer, its src/ folder) in
# /var/lib/wordpress/wp-content/plugins/wordpress-importer.
# Usage: tests/real_wordpress/run.sh LIBRARY.json WORKDIR
set -eu
library=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
mysql -e "DROP DATABASE IF EXISTS wordpress; CREATE DATABASE wordpress CHARACTER SET utf8mb4;
  CREATE USER IF NOT EXISTS 'wordpress'@'localhost' IDENTIFIED BY 'wp-local-only';
  GRANT ALL ON wordpress.* TO 'wordpress'@'localhost'; FLUSH PRIVILEGES;"
cat > /etc/wordpress/config-localhost.php <<'PHP'
<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', 'wp-local-only');
define('DB_HOST', 'localhost');
define('WP_CONTENT_DIR', '/var/lib/wordpress/wp-content');
define('WP_HOME', 'http://localhost');
define('WP_SITEURL', 'http://localhost');
PHP
quiet() { grep -v 'Deprecated' | sed 's/<[^>]*>//g' | grep -v '^[[:space:]]*$' || true; }
php "$here/install.php" 2>&1 | quiet
FILMREV_DB=$library filmrev export --format wordpress --out "$work/filmrev.xml"
php "$here/import.php" "$work/filmrev.xml" 2>&1 | quiet
mysql wordpress -e "
SELECT ID, post_title, post_name, post_status, post_date, post_date_gmt FROM wp_posts
  WHERE post_type='post' ORDER BY ID;
SELECT p.post_name, tt.taxonomy, t.name FROM wp_posts p
  JOIN wp_term_relationships r ON r.object_id = p.ID
  JOIN wp_term_taxonomy tt USING (term_taxonomy_id) JOIN wp_terms t USING (term_id)
  WHERE p.post_type = 'post' ORDER BY p.ID, tt.taxonomy, t.name;
SELECT comment_ID, comment_post_ID, comment_author, comment_date, comment_date_gmt,
  comment_parent FROM wp_comments ORDER BY comment_ID;
SELECT post_id, meta_key, LEFT(meta_value, 60) AS meta_value FROM wp_postmeta
  WHERE meta_key LIKE 'filmrev\_%' ORDER BY post_id, meta_key;"
php "$here/check.php" "$work/wordpress.xml" 2>&1 | grep -v 'Deprecated\|Cannot modify header' || true
rm -f "$work/back.json"
FILMREV_DB="$work/back.json" filmrev import "$work/wordpress.xml"
echo "WordPress's own export imported back into $work/back.json"
