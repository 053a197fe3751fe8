package dev.osfit;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class OsfitApplication {
    public static void main(String[] args) {
        SpringApplication.run(OsfitApplication.class, args);
    }
}
