<?php
$_SERVER['HTTP_HOST'] = 'localhost';
$_SERVER['REQUEST_URI'] = '/';
define('WP_INSTALLING', true);
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
if (is_blog_installed()) { echo "already installed\n"; exit(0); }
$result = wp_install('filmrev check', 'admin', 'admin@localhost.invalid', false, '', 'local-only-password');
echo "installed user ", $result['user_id'], "\n";
