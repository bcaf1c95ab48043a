# Build a static kefu binary (modernc SQLite is pure Go: no cgo needed).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/kefu ./cmd/kefu \
 && mkdir -p /out/data

# Run as a non-root user with nothing else in the image.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kefu /usr/local/bin/kefu
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV KEFU_SERVER_ADDR=":8080" \
    KEFU_DATABASE_URL="/data/kefu.db"
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/kefu"]
CMD ["serve"]
