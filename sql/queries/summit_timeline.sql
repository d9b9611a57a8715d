-- summit_timeline: summits in date order with how many articles and independent sources report each and who and what they report.
SELECT timeline_date, date_basis, organization, name, city, country_code,
       sources, independent_sources, attendees, meetings, quotes
FROM summit_timeline
ORDER BY timeline_date NULLS LAST, name;
