-- attendance_matrix: people x summits, 1 where the articles place the person at the summit (PIVOT of the long-form view).
PIVOT (SELECT person, summit_label, present FROM attendance_matrix)
ON summit_label
USING max(present)
GROUP BY person
ORDER BY person;
