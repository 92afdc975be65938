<?php
// Usage: php check.php OUT.xml. For each imported post: its blocks (a block with no name and real content would open
// as a "Classic" block, i.e. not as native blocks), and a WXR export of the site.
$_SERVER['HTTP_HOST'] = 'localhost';
$_SERVER['REQUEST_URI'] = '/wp-admin/';
define('WP_ADMIN', true);
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';
require_once ABSPATH . 'wp-admin/includes/export.php';
wp_set_current_user(1);
foreach (get_posts(array('post_type' => 'post', 'post_status' => 'any', 'numberposts' => -1, 'orderby' => 'ID', 'order' => 'ASC')) as $post) {
    $names = array();
    $freeform = 0;
    foreach (parse_blocks($post->post_content) as $block) {
        if ($block['blockName'] === null) {
            if (trim($block['innerHTML']) !== '') { $freeform++; }
            continue;
        }
        $names[$block['blockName']] = ($names[$block['blockName']] ?? 0) + 1;
    }
    ksort($names);
    $parts = array();
    foreach ($names as $name => $count) { $parts[] = "$name x$count"; }
    printf("%-32s %-7s blocks: %s; classic (freeform) chunks: %d\n", $post->post_name, $post->post_status, implode(', ', $parts), $freeform);
}
ini_set('display_errors', '0');
ob_start();
export_wp(array('content' => 'all'));
file_put_contents($argv[1], ob_get_clean());
