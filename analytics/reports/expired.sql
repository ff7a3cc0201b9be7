-- Articles that expired (TTL removal) in the period, with the likes they gathered in their life:
-- the expiry event carries the article's last like_count, so no older partition is read.
SELECT article_id, article_title, author_name, published_at, occurred_at AS expired_at,
       coalesce(like_count, 0) AS lifetime_likes
FROM events
WHERE event_type = 'article_expired'
  AND occurred_at >= :start_at AND occurred_at < :end_before
ORDER BY lifetime_likes DESC, article_id
LIMIT 100
