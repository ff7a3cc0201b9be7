-- The most popular authors among readers of one country: articles JOIN likes.
-- Authors come from the publications (an article liked in the period may have been published long
-- before it, so this report reads every partition up to the period's end); likes from the period.
WITH articles AS (
    SELECT article_id, arbitrary(author_id) AS author_id, arbitrary(author_name) AS author_name
    FROM events
    WHERE event_type = 'article_published'
    GROUP BY article_id
),
likes AS (
    SELECT article_id
    FROM events
    WHERE event_type = 'article_liked'
      AND country = :country
      AND occurred_at >= :start_at AND occurred_at < :end_before
)
SELECT a.author_name, count(*) AS likes, count(DISTINCT l.article_id) AS articles
FROM likes AS l
JOIN articles AS a ON a.article_id = l.article_id
GROUP BY a.author_id, a.author_name
ORDER BY likes DESC, a.author_name
LIMIT 50
