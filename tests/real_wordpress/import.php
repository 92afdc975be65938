<?php
// Import a WXR file with the wordpress-importer plugin, as Tools -> Import -> WordPress does,
// mapping every author in the file to user 1 (admin). Usage: php import.php FILE
$_SERVER['HTTP_HOST'] = 'localhost';
$_SERVER['REQUEST_URI'] = '/wp-admin/admin.php?import=wordpress';
define('WP_ADMIN', true);
define('WP_LOAD_IMPORTERS', true);
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';
require_once WP_CONTENT_DIR . '/plugins/wordpress-importer/wordpress-importer.php';
wp_set_current_user(1);
$file = realpath($argv[1]);
$importer = new WP_Import();
$parsed = $importer->parse($file);
if (is_wp_error($parsed)) { echo "PARSE ERROR: ", $parsed->get_error_message(), "\n"; exit(1); }
$logins = array();
foreach ($parsed['authors'] as $author) { $logins[] = $author['author_login']; }
$_POST = array(
    'imported_authors' => $logins,
    'user_map' => array_fill(0, count($logins), 1),
    'user_new' => array(),
);
$importer->fetch_attachments = false;
$importer->import($file);
