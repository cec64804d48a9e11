"""The reviewer pages' views: each parses, authorizes, calls the service, renders."""
