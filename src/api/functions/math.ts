/** Column builders: math functions (Spark's Python/Scala names and signatures). */
export {};
