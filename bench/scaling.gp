# Per-key migration time against the number of keys, for choragen --migrate and the libsecret
# floor. Called by bench/bench.py with data='…' and out='…'.
set terminal pngcairo size 800,480 font ",11"
set output out
set title "Verified migration: time per key"
set xlabel "keys migrated"
set ylabel "ms per key (median)"
set logscale x
set xrange [7:1400]
set xtics (10, 100, 1000)
set yrange [0:*]
set key top left
set grid ytics
plot data using 1:2 with linespoints lw 2 pt 7 title "choragen --migrate", \
     data using 1:3 with linespoints lw 2 pt 5 title "libsecret floor (store + lookup)", \
     data using 1:4 with linespoints lw 2 pt 9 dt 2 title "choragen overhead over the floor"
