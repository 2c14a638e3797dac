/** Column builders: higher-order functions (Spark's Python/Scala names and signatures). */
export {};
